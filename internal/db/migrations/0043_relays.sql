-- ActivityPub relays the server subscribes to (Administration -> Relays,
-- docs/administration.md), as Mastodon's: the relay's inbox, the state of
-- the subscription (idle: added or disabled; pending: the Follow is sent;
-- accepted / rejected: the relay's answer), the id of the Follow the
-- instance actor sent (its Accept or Reject names it), and the relay's
-- actor once it answered (LitePub relays Announce in its name).
CREATE TABLE relays (
    id BIGINT PRIMARY KEY,
    inbox_url TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'idle',
    follow_activity_id TEXT NOT NULL DEFAULT '',
    actor_uri TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX relays_follow ON relays (follow_activity_id) WHERE follow_activity_id <> '';
