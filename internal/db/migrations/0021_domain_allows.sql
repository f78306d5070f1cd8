-- Domains federation is allowed with in allow-list mode
-- (AGORA_FEDERATION_MODE=allowlist; Mastodon's admin domain allows). A
-- domain covers its subdomains.
CREATE TABLE domain_allows (
    id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,              -- lower case, punycode
    created_at BIGINT NOT NULL
);
