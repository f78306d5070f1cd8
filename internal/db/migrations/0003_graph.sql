-- Indexes for the social graph's paginated lists: followers, following,
-- blocks and mutes are paged by the row id, as Mastodon does.

CREATE INDEX follows_account_id ON follows (account_id, id);
CREATE INDEX follows_target_id ON follows (target_account_id, id);
CREATE INDEX blocks_account_id ON blocks (account_id, id);
CREATE INDEX mutes_account_id ON mutes (account_id, id);
