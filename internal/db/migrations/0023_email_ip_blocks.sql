-- E-mail domain blocks (sign-ups with an address there are refused) and IP
-- blocks (sign-ups need approval, are refused, or the address cannot reach
-- the server at all), as Mastodon's admin API.
CREATE TABLE email_domain_blocks (
    id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE ip_blocks (
    id BIGINT PRIMARY KEY,
    ip TEXT NOT NULL UNIQUE,                  -- a CIDR prefix, normalized (203.0.113.0/24, 2001:db8::/32)
    severity TEXT NOT NULL,                   -- sign_up_requires_approval | sign_up_block | no_access
    comment TEXT NOT NULL DEFAULT '',
    expires_at BIGINT,
    created_at BIGINT NOT NULL
);
