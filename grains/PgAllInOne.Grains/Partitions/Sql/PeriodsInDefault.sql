-- Template: {default}, {column}, {unit} (month or day) come from the partition scheme. The periods whose rows wait in
-- the default partition, oldest first.
SELECT DISTINCT (date_trunc('{unit}', {column}, 'UTC') AT TIME ZONE 'UTC')::date AS period
FROM {default}
ORDER BY 1
