DELETE FROM records WHERE expires_at <= $1
