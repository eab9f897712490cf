DELETE FROM metrics_1h AS rollup
USING unnest($1::timestamptz[], $2::timestamptz[]) AS span(a, b)
WHERE rollup.bucket >= span.a AND rollup.bucket < span.b
