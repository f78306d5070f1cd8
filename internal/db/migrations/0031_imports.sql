-- CSV imports (Mastodon's "Import": follows, blocks, mutes, blocked
-- domains, bookmarks, lists), processed by a job a batch of rows at a time.
CREATE TABLE imports (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- following | blocks | mutes | domain_blocks | bookmarks | lists
    overwrite BOOLEAN NOT NULL DEFAULT FALSE,  -- remove what the file does not list
    filename TEXT NOT NULL DEFAULT '',
    total INTEGER NOT NULL,
    processed INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'scheduled',   -- scheduled | running | finished
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX imports_account ON imports (account_id, id);

CREATE TABLE import_rows (
    id BIGINT PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    data TEXT NOT NULL,                        -- JSON: the row's fields
    state TEXT NOT NULL DEFAULT 'pending',     -- pending | done | failed
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_rows_import ON import_rows (import_id, id);
