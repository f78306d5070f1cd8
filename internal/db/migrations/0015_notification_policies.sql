-- Notification policies (Mastodon 4.3): per account, what to do with
-- notifications from people one does not follow, who do not follow one,
-- new accounts, unsolicited private mentions and moderator-limited
-- accounts: accept, filter (kept aside as a notification request) or drop.
CREATE TABLE notification_policies (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    for_not_following TEXT NOT NULL DEFAULT 'accept',
    for_not_followers TEXT NOT NULL DEFAULT 'accept',
    for_new_accounts TEXT NOT NULL DEFAULT 'accept',
    for_private_mentions TEXT NOT NULL DEFAULT 'filter',
    for_limited_accounts TEXT NOT NULL DEFAULT 'filter',
    calm_mode BOOLEAN NOT NULL DEFAULT FALSE,     -- agora: filter everyone not followed
    updated_at BIGINT NOT NULL
);

ALTER TABLE notifications ADD COLUMN filtered BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX notifications_filtered ON notifications (account_id, from_account_id) WHERE filtered = TRUE;

-- One pending request per (recipient, sender) holding filtered notifications.
CREATE TABLE notification_requests (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    from_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    last_status_id BIGINT,
    notifications_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notification_requests_pair ON notification_requests (account_id, from_account_id);

-- Senders whose request was accepted: never filtered again.
CREATE TABLE notification_permissions (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    from_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, from_account_id)
);
