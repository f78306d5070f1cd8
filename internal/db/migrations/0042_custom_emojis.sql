-- Custom emoji (docs/administration.md, docs/federation.md), as Mastodon's:
-- a shortcode per domain ('' for this server's own), an image kept in
-- media storage (image_key, with a first-frame PNG in static_key), and
-- for remote ones the Emoji object's id and icon URL as received.
CREATE TABLE custom_emojis (
    id BIGINT PRIMARY KEY,
    shortcode TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    uri TEXT NOT NULL DEFAULT '',
    remote_url TEXT NOT NULL DEFAULT '',      -- the icon URL as received (remote)
    remote_updated TEXT NOT NULL DEFAULT '',  -- the Emoji's "updated" as received
    image_key TEXT NOT NULL DEFAULT '',       -- '' while a remote image is not copied
    static_key TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    category TEXT NOT NULL DEFAULT '',
    visible_in_picker BOOLEAN NOT NULL DEFAULT TRUE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    fetch_failures INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Shortcodes are case-sensitive, as Mastodon's.
CREATE UNIQUE INDEX custom_emojis_code ON custom_emojis (domain, shortcode);
