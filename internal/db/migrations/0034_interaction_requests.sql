-- Interaction requests (GoToSocial's): a reply, favourite or boost that the
-- target post's interaction policy allows only with its author's approval.
-- One row per request, both ways: a request to a local author (from a
-- local or remote account) and a local account's request to a remote
-- author (pending until the remote Accept).
--   kind: reply | favourite | reblog
--   status_id: the post interacted with; target_account_id its author
--   account_id: the interacting account
--   reply_id: the reply (stored with visibility 'held' until accepted)
--   visibility: the reply's or the boost's visibility once accepted
--   uri: the interaction's ActivityPub id (the reply note, Like, Announce)
--   authorization_uri: the approval's ReplyAuthorization/LikeAuthorization/
--     AnnounceAuthorization (served by agora for local authors; received
--     in the Accept for remote ones)
CREATE TABLE interaction_requests (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reply_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    visibility TEXT NOT NULL DEFAULT '',
    uri TEXT NOT NULL DEFAULT '',
    authorization_uri TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    accepted_at BIGINT,
    rejected_at BIGINT
);
-- The author's list of pending requests, newest first.
CREATE INDEX interaction_requests_pending ON interaction_requests (target_account_id, id)
    WHERE accepted_at IS NULL AND rejected_at IS NULL;
CREATE INDEX interaction_requests_status ON interaction_requests (status_id, account_id);
CREATE UNIQUE INDEX interaction_requests_reply ON interaction_requests (reply_id) WHERE reply_id IS NOT NULL;
CREATE INDEX interaction_requests_uri ON interaction_requests (uri) WHERE uri <> '';
