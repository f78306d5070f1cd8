-- Abuse resistance (docs/abuse.md): a moderator can mark a local account
-- trusted (exempt from the new-account restrictions), and posts that the
-- spam heuristics hold for review are kept here until a moderator releases
-- them. A held post's statuses.visibility is 'held' (so every visibility
-- condition already leaves it out, as with 'removed'); its real visibility
-- waits in this table.
ALTER TABLE users ADD COLUMN trusted_at BIGINT;

CREATE TABLE held_statuses (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL,
    visibility TEXT NOT NULL,                 -- the visibility it gets on release
    notify_followers BOOLEAN NOT NULL,        -- "status" notifications on release
    score INTEGER NOT NULL,
    signals TEXT NOT NULL,                    -- JSON: [{"name", "points", "detail"}]
    report_id BIGINT,                         -- the automated report in the queue
    held_at BIGINT NOT NULL,
    released_at BIGINT,
    released_by_account_id BIGINT
);
CREATE INDEX held_statuses_pending ON held_statuses (status_id) WHERE released_at IS NULL;

-- "Approved by a moderator" is read from the audit log for new accounts.
CREATE INDEX moderation_audit_log_approvals ON moderation_audit_log (target_id) WHERE action = 'account.approve';
