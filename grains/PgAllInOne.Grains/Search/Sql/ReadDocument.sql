SELECT id, title, content, metadata, language, created_at, updated_at
FROM documents
WHERE id = $1
