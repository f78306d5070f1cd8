-- A remote actor's featuredTags collection (its featured hashtags, read
-- into featured_tags like a local account's), '' when it has none.
ALTER TABLE accounts ADD COLUMN featured_tags_url TEXT NOT NULL DEFAULT '';
