-- Author attribution (Mastodon 4.3's fediverse:creator): the domains whose
-- pages may credit an account on their link previews, one per line,
-- normalized (lowercase, punycode). Remote accounts' come from their
-- actor's attributionDomains.
ALTER TABLE accounts ADD COLUMN attribution_domains TEXT NOT NULL DEFAULT '';

-- A link preview's author link (the page's fediverse:creator profile, or
-- its author's URL) and the account it credits, set only when the page's
-- host is within that account's attribution domains.
ALTER TABLE preview_cards ADD COLUMN author_url TEXT NOT NULL DEFAULT '';
ALTER TABLE preview_cards ADD COLUMN author_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
CREATE INDEX preview_cards_author ON preview_cards (author_account_id) WHERE author_account_id IS NOT NULL;
