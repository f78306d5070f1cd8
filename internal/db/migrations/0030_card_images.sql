-- A link preview's image is copied (preview size, metadata stripped) so
-- that readers' browsers never fetch it from the linked site: image_key is
-- the stored copy ('' for none), blurhash its placeholder.
ALTER TABLE preview_cards ADD COLUMN image_key TEXT NOT NULL DEFAULT '';
ALTER TABLE preview_cards ADD COLUMN blurhash TEXT NOT NULL DEFAULT '';
