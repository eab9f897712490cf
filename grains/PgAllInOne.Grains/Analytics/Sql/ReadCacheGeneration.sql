SELECT generation FROM query_cache_generation WHERE id = 1
