SELECT set_config('pgaio.serving_login', $1, false), set_config('pgaio.serving_password', $2, false)
