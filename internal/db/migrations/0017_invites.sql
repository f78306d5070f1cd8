-- Invitations: a link that lets someone sign up when registrations need an
-- invite (and skips approval otherwise), optionally limited in uses and
-- time, optionally making the new account follow its inviter.
CREATE TABLE invites (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    max_uses BIGINT,                          -- NULL: unlimited
    uses BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT,                        -- NULL: never
    autofollow BOOLEAN NOT NULL DEFAULT FALSE,
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX invites_account ON invites (account_id, id);

ALTER TABLE users ADD COLUMN invite_id BIGINT;
