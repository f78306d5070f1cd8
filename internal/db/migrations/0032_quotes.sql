-- Quote posts with consent (Mastodon 4.5, FEP-044f).
-- Who may quote a post: '' follows the visibility's default (anyone for
-- public and unlisted posts, nobody for the others), else public |
-- followers | nobody. quotes_count counts the accepted quotes.
ALTER TABLE statuses ADD COLUMN quote_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE statuses ADD COLUMN quotes_count BIGINT NOT NULL DEFAULT 0;

-- One row per quoting post. The quoted post has no foreign key: when it
-- is deleted the row stays and the quote shows as "deleted".
CREATE TABLE quotes (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    quoted_status_id BIGINT NOT NULL,
    quoted_account_id BIGINT NOT NULL,
    state TEXT NOT NULL,                       -- pending | accepted | rejected | revoked
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX quotes_quoted ON quotes (quoted_status_id, status_id);
