-- Quotes of remote posts (FEP-044f): the QuoteAuthorization the quoted
-- post's server issued for a local quote ('' until its Accept, and for
-- quotes of local posts, whose authorization agora serves itself). Its
-- Delete is matched by this uri, hence the partial index.
ALTER TABLE quotes ADD COLUMN authorization_uri TEXT NOT NULL DEFAULT '';
CREATE INDEX quotes_authorization ON quotes (authorization_uri) WHERE authorization_uri <> '';
