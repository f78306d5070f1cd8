-- Link previews (Mastodon's PreviewCard): fetched once per URL by a job
-- for the first link of public and unlisted posts.
CREATE TABLE preview_cards (
    id BIGINT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT 'link',
    author_name TEXT NOT NULL DEFAULT '',
    provider_name TEXT NOT NULL DEFAULT '',
    image_url TEXT NOT NULL DEFAULT '',
    width BIGINT NOT NULL DEFAULT 0,
    height BIGINT NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    fetched_at BIGINT NOT NULL
);

-- The card of a status; card_id NULL records a fetch that found none.
CREATE TABLE status_cards (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    card_id BIGINT REFERENCES preview_cards (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX status_cards_card ON status_cards (card_id, status_id) WHERE card_id IS NOT NULL;
