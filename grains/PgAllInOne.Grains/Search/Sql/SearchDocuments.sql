SELECT id, title, content,
       ts_headline('english', content, query, 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=24, MinWords=8') AS snippet,
       ts_rank_cd(search, query) AS rank
FROM documents, pgaio_search_query($1) AS query
WHERE search @@ query AND ($4::text IS NULL OR language = $4)
ORDER BY rank DESC, id
LIMIT $2 OFFSET $3
