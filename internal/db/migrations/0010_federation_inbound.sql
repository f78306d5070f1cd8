-- Inbound federation: what agora keeps of remote actors beyond the core
-- account columns, and lookups of activities by their ActivityPub id.

-- alsoKnownAs of a remote actor (JSON array of actor ids): a Move is
-- accepted only when the new account names the old one here.
ALTER TABLE accounts ADD COLUMN also_known_as TEXT NOT NULL DEFAULT '[]';
-- When a remote actor's document was last fetched; refreshed after a day.
ALTER TABLE accounts ADD COLUMN fetched_at BIGINT;

-- Accept, Reject and Undo name a Follow by its id.
CREATE INDEX follows_uri_inbound ON follows (uri) WHERE uri <> '';
CREATE INDEX follow_requests_uri_inbound ON follow_requests (uri) WHERE uri <> '';
-- A remote Like is undone by its id.
CREATE INDEX favourites_uri_inbound ON favourites (uri) WHERE uri <> '';
