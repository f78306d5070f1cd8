-- Account migrations (Move), both directions: a local account that moved
-- away, or a remote one whose Move was applied here. The latest row of an
-- account drives the cooldown before it may move again (30 days for a
-- local account, as Mastodon) and the rate limit of received Moves.
CREATE TABLE account_moves (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX account_moves_account ON account_moves (account_id, created_at);

-- A remote actor's featured (pinned posts) collection, which its Add and
-- Remove activities name as their target.
ALTER TABLE accounts ADD COLUMN featured_url TEXT NOT NULL DEFAULT '';

-- A local poll whose new tallies are waiting to be sent (an Update of the
-- Question, delayed so that votes in the meantime share it): set by the
-- vote that schedules the sending, cleared when it starts.
ALTER TABLE polls ADD COLUMN tally_due BOOLEAN NOT NULL DEFAULT FALSE;
