-- Trust and safety: reports (DSA notices), decisions with their statement
-- of reasons, appeals, the reversible changes a decision made, and the
-- moderators' audit log. See docs/moderation.md.

-- A report from a local account (account_id) or, for the public notice
-- form, from someone without an account (account_id NULL).
CREATE TABLE reports (
    id BIGINT PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_ids TEXT NOT NULL DEFAULT '[]',    -- JSON array of decimal ids
    rule_ids TEXT NOT NULL DEFAULT '[]',      -- JSON array of decimal ids
    comment TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,                   -- spam | legal | violation | other
    forwarded BOOLEAN NOT NULL DEFAULT FALSE,
    source TEXT NOT NULL,                     -- account | public_form | trusted_flagger
    priority BOOLEAN NOT NULL DEFAULT FALSE,  -- trusted flaggers first
    legal_category TEXT NOT NULL DEFAULT '',
    legal_explanation TEXT NOT NULL DEFAULT '',
    content_urls TEXT NOT NULL DEFAULT '[]',
    notifier_name TEXT NOT NULL DEFAULT '',
    notifier_email TEXT NOT NULL DEFAULT '',
    good_faith BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL DEFAULT 'open',       -- open | escalated | resolved
    assigned_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    action_taken_at BIGINT,
    action_taken_by_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    decision_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reports_queue ON reports (state, priority, id);
CREATE INDEX reports_target ON reports (target_account_id, id);
CREATE INDEX reports_reporter ON reports (account_id, id) WHERE account_id IS NOT NULL;

-- Internal comments of moderators on a report (never shown to users).
CREATE TABLE report_notes (
    id BIGINT PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX report_notes_report ON report_notes (report_id, id);

-- One row per decision: everything DSA Art. 17 asks for, the source of the
-- user notice, the appeal and the Transparency Database export.
CREATE TABLE moderation_decisions (
    id BIGINT PRIMARY KEY,
    report_id BIGINT,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_ids TEXT NOT NULL DEFAULT '[]',
    action TEXT NOT NULL,                     -- remove | mark_sensitive | limit | freeze | suspend | none
    ground TEXT NOT NULL,                     -- terms | illegal
    rule_ids TEXT NOT NULL DEFAULT '[]',
    legal_ground TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL,
    facts TEXT NOT NULL,
    category TEXT NOT NULL,                   -- STATEMENT_CATEGORY_*
    source_type TEXT NOT NULL,                -- SOURCE_*
    automated_detection BOOLEAN NOT NULL DEFAULT FALSE,
    automated_decision TEXT NOT NULL DEFAULT 'AUTOMATED_DECISION_NOT_AUTOMATED',
    content_date BIGINT NOT NULL,
    decided_by_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    decided_at BIGINT NOT NULL,
    ends_at BIGINT,                           -- end of a temporary restriction
    appeal_deadline BIGINT NOT NULL,
    overruled_at BIGINT,
    expired_at BIGINT,                        -- a temporary restriction ran its course
    tdb_submitted_at BIGINT                   -- accepted by the DSA Transparency Database
);
CREATE INDEX moderation_decisions_target ON moderation_decisions (target_account_id, id);
CREATE INDEX moderation_decisions_decided ON moderation_decisions (decided_at);

-- What a decision changed, so that a reversal restores it: a removed or
-- hidden status keeps its row, with its visibility saved here.
CREATE TABLE moderation_changes (
    decision_id BIGINT NOT NULL,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                       -- remove | sensitive
    old_visibility TEXT NOT NULL,
    old_sensitive BOOLEAN NOT NULL,
    reverted_at BIGINT,
    PRIMARY KEY (decision_id, status_id)
);
CREATE INDEX moderation_changes_status ON moderation_changes (status_id);

-- Appeals (DSA Art. 20 complaints) against a decision, by its target or by
-- the notifier of the report it answered.
CREATE TABLE appeals (
    id BIGINT PRIMARY KEY,
    decision_id BIGINT NOT NULL REFERENCES moderation_decisions (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',    -- pending | approved | rejected
    response TEXT NOT NULL DEFAULT '',
    decided_by_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    decided_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX appeals_decision ON appeals (decision_id, id);
CREATE INDEX appeals_state ON appeals (state, id);

-- Every moderator action, for accountability.
CREATE TABLE moderation_audit_log (
    id BIGINT PRIMARY KEY,
    account_id BIGINT,                        -- the moderator (NULL for the system)
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX moderation_audit_log_id ON moderation_audit_log (id);

-- Trusted flaggers (DSA Art. 22): their reports go first in the queue.
CREATE TABLE trusted_flaggers (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Links a moderation_warning notification to its decision, so that the
-- notification can carry the AccountWarning entity.
CREATE TABLE moderation_notifications (
    notification_id BIGINT PRIMARY KEY,
    decision_id BIGINT NOT NULL
);
