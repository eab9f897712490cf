COPY metrics (time, device_id, metric, value, tags) FROM STDIN (FORMAT BINARY)
