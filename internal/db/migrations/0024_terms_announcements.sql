-- Versions of the terms of service and of the moderation policy, each
-- effective from a date; and announcements shown to every member (Mastodon's
-- announcements), with each member's read marks.
CREATE TABLE policy_versions (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,                       -- terms_of_service | moderation_policy
    content TEXT NOT NULL,                    -- what the admin wrote (plain text)
    summary TEXT NOT NULL DEFAULT '',         -- what changed, for the announcement
    effective_date TEXT NOT NULL,             -- YYYY-MM-DD
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX policy_versions_kind_date ON policy_versions (kind, effective_date);

CREATE TABLE announcements (
    id BIGINT PRIMARY KEY,
    text TEXT NOT NULL,
    starts_at BIGINT,
    ends_at BIGINT,
    published_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE announcement_reads (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (announcement_id, account_id)
);
