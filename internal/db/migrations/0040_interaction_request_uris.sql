-- Interaction approvals, GoToSocial's polite flow (docs/federation.md,
-- "Interaction approvals").
--   interaction_requests.request_uri: the id of the LikeRequest,
--     ReplyRequest or AnnounceRequest: received from a remote account (its
--     Accept or Reject names it as object), or sent by agora for a local
--     account's interaction with a remote post (the remote Accept names
--     it). '' for impolite interactions (a plain Create, Like, Announce).
ALTER TABLE interaction_requests ADD COLUMN request_uri TEXT NOT NULL DEFAULT '';
CREATE INDEX interaction_requests_request_uri ON interaction_requests (request_uri) WHERE request_uri <> '';

-- Authorizations of other servers checked here, as a third server: a reply,
-- Like or Announce by an account of server C with a post on server B whose
-- policy needs B's approval must name an authorization served by B. One row
-- per authorization URI dereferenced (or learnt from B's Accept):
--   interacting_uri / target_uri: what it authorizes (as B served it)
--   valid_at: when it was found valid; NULL when B answered 404/410 or a
--     document that does not match (a negative result, retried after an hour)
--   checked_at: when it was last fetched
CREATE TABLE interaction_authorizations (
    uri TEXT PRIMARY KEY,
    interacting_uri TEXT NOT NULL DEFAULT '',
    target_uri TEXT NOT NULL DEFAULT '',
    valid_at BIGINT,
    checked_at BIGINT NOT NULL
);
CREATE INDEX interaction_authorizations_interacting ON interaction_authorizations (interacting_uri) WHERE valid_at IS NOT NULL;
