UPDATE documents
SET title = $2, content = $3, metadata = $4, language = $5, updated_at = now()
WHERE id = $1
RETURNING id, title, content, metadata, language, created_at, updated_at
