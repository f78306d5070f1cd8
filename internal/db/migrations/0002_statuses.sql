-- Polls, poll votes and the indexes the status, timeline and notification
-- queries need beyond 0001.

CREATE TABLE polls (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    options TEXT NOT NULL,                    -- JSON array of titles
    multiple BOOLEAN NOT NULL DEFAULT FALSE,
    hide_totals BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at BIGINT NOT NULL,
    expiry_notified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX polls_expiry ON polls (expires_at) WHERE expiry_notified = FALSE;

CREATE TABLE poll_votes (
    id BIGINT PRIMARY KEY,
    status_id BIGINT NOT NULL REFERENCES polls (status_id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    choice BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX poll_votes_choice ON poll_votes (status_id, account_id, choice);

-- Deleting a status removes it from every feed: look rows up by status.
CREATE INDEX home_feed_status ON home_feed (status_id);
-- Favourited_by and reblogged_by pages, and unreblog lookups.
CREATE INDEX statuses_reblog_id ON statuses (reblog_of_id, id) WHERE reblog_of_id IS NOT NULL;

-- Statuses to publish later: the post's parameters as JSON, validated when
-- scheduled and posted by a periodic job.
CREATE TABLE scheduled_statuses (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scheduled_at BIGINT NOT NULL,
    params TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);
CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);
