-- Community Notes: context added to posts by members, rated by members,
-- shown when raters who usually disagree both find a note helpful.
CREATE TABLE community_notes (
    id BIGINT PRIMARY KEY,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    classification TEXT NOT NULL,             -- misinformed_or_potentially_misleading | not_misleading
    text TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'NEEDS_MORE_RATINGS',
    intercept DOUBLE PRECISION,               -- the model's helpfulness score, NULL before scoring
    factor DOUBLE PRECISION,
    num_ratings BIGINT NOT NULL DEFAULT 0,
    first_status_at BIGINT,                   -- when it first left NEEDS_MORE_RATINGS
    status_changed_at BIGINT,
    locked_at BIGINT,                         -- status frozen two weeks after creation
    scored_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_notes_author ON community_notes (status_id, account_id);
CREATE INDEX community_notes_status ON community_notes (status, id);

CREATE TABLE community_note_ratings (
    note_id BIGINT NOT NULL REFERENCES community_notes (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    helpfulness TEXT NOT NULL,                -- helpful | somewhat_helpful | not_helpful
    tags TEXT NOT NULL DEFAULT '',            -- comma separated reasons
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (note_id, account_id)
);
CREATE INDEX community_note_ratings_account ON community_note_ratings (account_id);
