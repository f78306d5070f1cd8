-- Server-wide domain blocks (Mastodon's admin domain blocks): a domain and
-- its subdomains are suspended (nothing in or out; their accounts
-- suspended and their content purged), silenced (their accounts limited),
-- or only have media or reports rejected (noop).
CREATE TABLE domain_blocks (
    id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,              -- lower case, punycode
    severity TEXT NOT NULL,                   -- suspend | silence | noop
    reject_media BOOLEAN NOT NULL DEFAULT FALSE,
    reject_reports BOOLEAN NOT NULL DEFAULT FALSE,
    private_comment TEXT NOT NULL DEFAULT '',
    public_comment TEXT NOT NULL DEFAULT '',
    obfuscate BOOLEAN NOT NULL DEFAULT FALSE,
    purged_at BIGINT,                         -- when a suspension's purge job finished
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Domains one account hides from its own timelines and notifications.
CREATE TABLE user_domain_blocks (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_domain_blocks_pair ON user_domain_blocks (account_id, domain);

CREATE INDEX accounts_domain ON accounts (domain) WHERE domain <> '';
