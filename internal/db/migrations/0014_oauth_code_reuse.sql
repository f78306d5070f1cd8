-- A used authorization code is kept (marked) until it expires, and each
-- token remembers the code it came from: when a code is presented a second
-- time, the tokens issued from it are revoked (RFC 6749 section 4.1.2).
ALTER TABLE oauth_codes ADD COLUMN used_at BIGINT;
ALTER TABLE oauth_tokens ADD COLUMN code_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX oauth_tokens_code ON oauth_tokens (code_hash) WHERE code_hash <> '';
