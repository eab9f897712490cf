-- Documents and full-text search: English stemming, and CJK text as overlapping character bigrams (the technique
-- of Elasticsearch's cjk analyzer) with positions, so that a Chinese query of n characters is the phrase of its
-- n-1 bigrams and matches exactly the documents containing it.

-- The characters treated as CJK: kana, CJK unified ideographs (with extension A and compatibility), hangul.
CREATE FUNCTION pgaio_cjk_runs(input text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT m[1] FROM regexp_matches(coalesce(input, ''), '([぀-ヿ㐀-䶿一-鿿豈-﫿가-힯]+)', 'g') AS m
$$;

-- Each run: its bigrams at consecutive positions, then its last character alone (so that a one-character query,
-- a prefix match, finds every occurrence); a gap after each run keeps phrases from spanning two runs.
CREATE FUNCTION pgaio_cjk_tsvector(input text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  run text;
  lexemes text := '';
  pos integer := 0;
  i integer;
BEGIN
  FOR run IN SELECT pgaio_cjk_runs(input) LOOP
    FOR i IN 1 .. char_length(run) - 1 LOOP
      pos := pos + 1;
      lexemes := lexemes || ' ''' || substr(run, i, 2) || ''':' || least(pos, 16383);
    END LOOP;
    pos := pos + 1;
    lexemes := lexemes || ' ''' || right(run, 1) || ''':' || least(pos, 16383);
    pos := pos + 1;
  END LOOP;
  RETURN lexemes::tsvector;
END
$$;

-- A query's CJK runs as phrases of bigrams (one character: a prefix match), all required; NULL when it has none.
CREATE FUNCTION pgaio_cjk_tsquery(input text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  run text;
  phrases text[] := '{}';
  bigrams text[];
  i integer;
BEGIN
  FOR run IN SELECT pgaio_cjk_runs(input) LOOP
    IF char_length(run) = 1 THEN
      phrases := phrases || ('''' || run || ''':*');
    ELSE
      bigrams := '{}';
      FOR i IN 1 .. char_length(run) - 1 LOOP
        bigrams := bigrams || ('''' || substr(run, i, 2) || '''');
      END LOOP;
      phrases := phrases || ('(' || array_to_string(bigrams, ' <-> ') || ')');
    END IF;
  END LOOP;
  IF cardinality(phrases) = 0 THEN
    RETURN NULL;
  END IF;
  RETURN array_to_string(phrases, ' & ')::tsquery;
END
$$;

-- The whole query: web-search syntax (quotes, or, -) over the non-CJK words with English stemming, AND the CJK phrases.
CREATE FUNCTION pgaio_search_query(input text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  english tsquery := websearch_to_tsquery('english', regexp_replace(coalesce(input, ''), '[぀-ヿ㐀-䶿一-鿿豈-﫿가-힯]+', ' ', 'g'));
  cjk tsquery := pgaio_cjk_tsquery(input);
BEGIN
  IF cjk IS NULL THEN
    RETURN english;
  ELSIF numnode(english) = 0 THEN
    RETURN cjk;
  END IF;
  RETURN english && cjk;
END
$$;

CREATE TABLE documents (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title       text        NOT NULL,
  content     text        NOT NULL,
  metadata    jsonb       NOT NULL DEFAULT '{}',
  language    text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  search      tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(pgaio_cjk_tsvector(title), 'A')
    || setweight(to_tsvector('english', content), 'B') || setweight(pgaio_cjk_tsvector(content), 'B')
  ) STORED
);

CREATE INDEX documents_search ON documents USING gin (search);
