-- Federation: cached remote public keys and the durable inbox.

-- Public keys of remote actors by keyId, fetched when a signature names
-- them and refetched when verification fails (key rotation).
CREATE TABLE remote_keys (
    key_id TEXT PRIMARY KEY,
    owner_uri TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fetched_at BIGINT NOT NULL
);

-- Activities received in an inbox, stored after their signature was
-- verified and before 202 is answered; a job processes each one.
CREATE TABLE inbox_activities (
    id BIGINT PRIMARY KEY,
    activity_id TEXT NOT NULL,                -- the activity's "id", for dropping duplicates
    type TEXT NOT NULL,
    actor_uri TEXT NOT NULL,                  -- the signer, equal to the activity's actor
    key_id TEXT NOT NULL,
    recipient_account_id BIGINT,              -- NULL when received in the shared inbox
    body TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE UNIQUE INDEX inbox_activities_activity ON inbox_activities (activity_id);
CREATE INDEX inbox_activities_received ON inbox_activities (received_at);
