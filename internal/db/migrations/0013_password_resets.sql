-- Password reset tokens (the web UI's "Forgot your password?"). Only the
-- SHA-256 of a token is kept; a token is single-use and expires after an
-- hour, and asking for a new one invalidates the earlier ones.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);
