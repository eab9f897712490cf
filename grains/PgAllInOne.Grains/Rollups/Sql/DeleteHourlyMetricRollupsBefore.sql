DELETE FROM metrics_1h WHERE bucket < $1
