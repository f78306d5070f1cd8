-- A status's ActivityPub id is unique: two workers storing the same remote
-- post at once cannot both succeed.
DROP INDEX statuses_uri;
CREATE UNIQUE INDEX statuses_uri ON statuses (uri) WHERE uri <> '';
