-- Template: {partition} is a metrics day partition, emptied by the moves of this transaction (under its lock).
TRUNCATE {partition}
