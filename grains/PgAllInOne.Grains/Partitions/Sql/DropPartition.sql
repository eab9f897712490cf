-- Template: retention drops a whole day at once instead of deleting its rows.
ALTER TABLE {parent} DETACH PARTITION {partition};
DROP TABLE {partition};
