-- Snowball stems in the SQLite full-text index (docs/search.md): FTS5 only
-- ships an English (Porter) stemmer, so the index gets a fourth column,
-- stems, filled by agora_stems(language, spoiler_text, text, content), a
-- Go function the store registers with the SQLite driver (French, English,
-- Spanish, Russian, Swedish, Norwegian and Hungarian; English and French
-- for posts without a language). Posts without source text (remote posts)
-- are indexed from agora_plain_text(content), their HTML without the tags.
-- An FTS5 table cannot gain a column, so it is created again, empty: the
-- search_reindex maintenance job refills it from statuses in batches,
-- newest first, down from the id recorded here (a migration indexing a
-- million posts would hold the start for minutes). PostgreSQL is unchanged.

-- sqlite-only
DROP TRIGGER statuses_fts_insert;
-- sqlite-only
DROP TRIGGER statuses_fts_update;
-- sqlite-only
DROP TRIGGER statuses_fts_delete;
-- sqlite-only
DROP TABLE statuses_fts;

-- sqlite-only
CREATE VIRTUAL TABLE statuses_fts USING fts5(spoiler_text, body, author, stems, content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2');

-- sqlite-only
-- statement-begin
CREATE TRIGGER statuses_fts_insert AFTER INSERT ON statuses WHEN new.reblog_of_id IS NULL BEGIN
    INSERT INTO statuses_fts (rowid, spoiler_text, body, author, stems)
    VALUES (new.id, new.spoiler_text, CASE WHEN new.text <> '' THEN new.text ELSE agora_plain_text(new.content) END,
        'a' || new.account_id, agora_stems(new.language, new.spoiler_text, new.text, new.content));
END;
-- statement-end

-- sqlite-only
-- statement-begin
CREATE TRIGGER statuses_fts_update AFTER UPDATE OF text, content, spoiler_text, language ON statuses
WHEN new.reblog_of_id IS NULL BEGIN
    DELETE FROM statuses_fts WHERE rowid = old.id;
    INSERT INTO statuses_fts (rowid, spoiler_text, body, author, stems)
    VALUES (new.id, new.spoiler_text, CASE WHEN new.text <> '' THEN new.text ELSE agora_plain_text(new.content) END,
        'a' || new.account_id, agora_stems(new.language, new.spoiler_text, new.text, new.content));
END;
-- statement-end

-- sqlite-only
-- statement-begin
CREATE TRIGGER statuses_fts_delete AFTER DELETE ON statuses WHEN old.reblog_of_id IS NULL BEGIN
    DELETE FROM statuses_fts WHERE rowid = old.id;
END;
-- statement-end

-- The reindex job's position: statuses with a smaller id are not indexed
-- yet. The row is deleted when the job reaches the oldest status.
-- sqlite-only
CREATE TABLE search_reindex (id INTEGER PRIMARY KEY CHECK (id = 1), next_id BIGINT NOT NULL);
-- sqlite-only
INSERT INTO search_reindex (id, next_id) SELECT 1, MAX(id) + 1 FROM statuses HAVING COUNT(*) > 0;
