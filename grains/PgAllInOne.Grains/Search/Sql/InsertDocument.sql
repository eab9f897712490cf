INSERT INTO documents (title, content, metadata, language)
VALUES ($1, $2, $3, $4)
RETURNING id
