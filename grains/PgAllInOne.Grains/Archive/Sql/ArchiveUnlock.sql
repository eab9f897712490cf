SELECT pg_advisory_unlock(hashtext('pgaio_metric_archive'))
