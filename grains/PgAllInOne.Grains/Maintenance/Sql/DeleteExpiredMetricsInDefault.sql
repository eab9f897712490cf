DELETE FROM metrics_default WHERE time < $1
