-- Connections to this database by state: the pools of every silo together.
SELECT coalesce(state, 'background') AS state, count(*)
FROM pg_stat_activity
WHERE datname = current_database()
GROUP BY 1
ORDER BY 1
