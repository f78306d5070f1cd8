-- Statements of reasons at hold time and for remote accounts
-- (docs/moderation.md, docs/abuse.md).
--
-- A post held by the spam heuristics gets an automated decision (action
-- 'hold'); held_statuses points to it so that a release ends it. A
-- moderator's decision on the held post's report supersedes it.
ALTER TABLE held_statuses ADD COLUMN decision_id BIGINT;
ALTER TABLE moderation_decisions ADD COLUMN superseded_by BIGINT;

-- A statement addressed to a remote account is read at a public page whose
-- address holds a random token; only the token's hash is kept.
CREATE TABLE statement_links (
    decision_id BIGINT PRIMARY KEY REFERENCES moderation_decisions (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- A remote person appealing from that page leaves an e-mail address to be
-- answered at (they have no account here to be notified in).
ALTER TABLE appeals ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
