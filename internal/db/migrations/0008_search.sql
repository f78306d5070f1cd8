-- Full-text search of statuses (docs/search.md). The index is kept in sync
-- by the database itself (triggers), so no Go code path can forget it.
-- Boosts carry no text of their own and are not indexed. The indexed body
-- is the source text as typed, or for statuses without one (remote posts)
-- the rendered HTML.

-- SQLite: a contentless FTS5 table keyed by the status id. Porter stems
-- English; unicode61 with remove_diacritics 2 folds accents (é -> e) in
-- every language. FTS5 has no French stemmer: French words match by their
-- accent-folded form and porter's English suffix rules only. The author
-- column ('a' and the account id) lets from: intersect inside the index
-- instead of probing it once per post of the author.
-- sqlite-only
CREATE VIRTUAL TABLE statuses_fts USING fts5(spoiler_text, body, author, content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2');

-- sqlite-only
-- statement-begin
CREATE TRIGGER statuses_fts_insert AFTER INSERT ON statuses WHEN new.reblog_of_id IS NULL BEGIN
    INSERT INTO statuses_fts (rowid, spoiler_text, body, author)
    VALUES (new.id, new.spoiler_text, CASE WHEN new.text <> '' THEN new.text ELSE new.content END, 'a' || new.account_id);
END;
-- statement-end

-- sqlite-only
-- statement-begin
CREATE TRIGGER statuses_fts_update AFTER UPDATE OF text, content, spoiler_text ON statuses
WHEN new.reblog_of_id IS NULL BEGIN
    DELETE FROM statuses_fts WHERE rowid = old.id;
    INSERT INTO statuses_fts (rowid, spoiler_text, body, author)
    VALUES (new.id, new.spoiler_text, CASE WHEN new.text <> '' THEN new.text ELSE new.content END, 'a' || new.account_id);
END;
-- statement-end

-- sqlite-only
-- statement-begin
CREATE TRIGGER statuses_fts_delete AFTER DELETE ON statuses WHEN old.reblog_of_id IS NULL BEGIN
    DELETE FROM statuses_fts WHERE rowid = old.id;
END;
-- statement-end

-- sqlite-only
INSERT INTO statuses_fts (rowid, spoiler_text, body, author)
SELECT id, spoiler_text, CASE WHEN text <> '' THEN text ELSE content END, 'a' || account_id FROM statuses WHERE reblog_of_id IS NULL;

-- PostgreSQL: a tsvector column maintained by a trigger, with a GIN index.
-- Each row is stemmed with its language's configuration (stored in
-- search_config) and also indexed word for word ('simple'), so exact words
-- match in every language. Accents are folded on both sides by agora_fold.
-- postgres-only
ALTER TABLE statuses ADD COLUMN search_config regconfig;
-- postgres-only
ALTER TABLE statuses ADD COLUMN search_vector tsvector;

-- postgres-only
-- statement-begin
CREATE FUNCTION agora_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(lower(t),
        'àáâãäåāăąçćĉčďèéêëēĕėęěìíîïĩīĭįñńňòóôõöøōŏőùúûüũūŭůűųýÿŷźżžśŝşšţťŕřĺľł',
        'aaaaaaaaaccccdeeeeeeeeeiiiiiiiinnnooooooooouuuuuuuuuuyyyzzzssssttrrlll')
$$;
-- statement-end

-- Status language (ISO 639-1) to a built-in text search configuration;
-- posts without a language are stemmed as English, like SQLite's porter.
-- postgres-only
-- statement-begin
CREATE FUNCTION agora_search_config(lang text) RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lang
        WHEN '' THEN 'english'::regconfig
        WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig
        WHEN 'de' THEN 'german'::regconfig WHEN 'es' THEN 'spanish'::regconfig
        WHEN 'it' THEN 'italian'::regconfig WHEN 'pt' THEN 'portuguese'::regconfig
        WHEN 'nl' THEN 'dutch'::regconfig WHEN 'da' THEN 'danish'::regconfig
        WHEN 'sv' THEN 'swedish'::regconfig WHEN 'no' THEN 'norwegian'::regconfig
        WHEN 'nb' THEN 'norwegian'::regconfig WHEN 'nn' THEN 'norwegian'::regconfig
        WHEN 'fi' THEN 'finnish'::regconfig WHEN 'hu' THEN 'hungarian'::regconfig
        WHEN 'ro' THEN 'romanian'::regconfig WHEN 'ru' THEN 'russian'::regconfig
        WHEN 'tr' THEN 'turkish'::regconfig WHEN 'ar' THEN 'arabic'::regconfig
        WHEN 'el' THEN 'greek'::regconfig WHEN 'id' THEN 'indonesian'::regconfig
        WHEN 'ga' THEN 'irish'::regconfig WHEN 'lt' THEN 'lithuanian'::regconfig
        WHEN 'ne' THEN 'nepali'::regconfig WHEN 'sr' THEN 'serbian'::regconfig
        WHEN 'ta' THEN 'tamil'::regconfig
        ELSE 'simple'::regconfig END
$$;
-- statement-end

-- postgres-only
-- statement-begin
CREATE FUNCTION agora_search_document(cfg regconfig, spoiler text, src text, html text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector(cfg, d.s) || to_tsvector('simple', d.s), 'A')
        || to_tsvector(cfg, d.b) || to_tsvector('simple', d.b)
    FROM (SELECT agora_fold(spoiler) AS s,
                 agora_fold(CASE WHEN src <> '' THEN src ELSE regexp_replace(html, '<[^>]*>', ' ', 'g') END) AS b) d
$$;
-- statement-end

-- postgres-only
-- statement-begin
CREATE FUNCTION statuses_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reblog_of_id IS NOT NULL THEN
        NEW.search_config := NULL;
        NEW.search_vector := NULL;
    ELSE
        NEW.search_config := agora_search_config(NEW.language);
        NEW.search_vector := agora_search_document(NEW.search_config, NEW.spoiler_text, NEW.text, NEW.content);
    END IF;
    RETURN NEW;
END
$$;
-- statement-end

-- Only edits of the searched columns recompute the vector, not the counter
-- updates that touch statuses all the time.
-- postgres-only
CREATE TRIGGER statuses_search_vector BEFORE INSERT OR UPDATE OF text, content, spoiler_text, language, reblog_of_id
ON statuses FOR EACH ROW EXECUTE FUNCTION statuses_search_vector();

-- postgres-only
UPDATE statuses SET search_config = agora_search_config(language),
    search_vector = agora_search_document(agora_search_config(language), spoiler_text, text, content)
WHERE reblog_of_id IS NULL;

-- postgres-only
CREATE INDEX statuses_search ON statuses USING gin (search_vector);
