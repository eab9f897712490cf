DELETE FROM records WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)
