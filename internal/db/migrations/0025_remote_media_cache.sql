-- Remote images are fetched and kept as local files (so readers' browsers
-- do not call other servers), for a retention period; failures are counted
-- so that a dead link is not tried for ever.
ALTER TABLE media_attachments ADD COLUMN cached_at BIGINT;
ALTER TABLE media_attachments ADD COLUMN fetch_failures INTEGER NOT NULL DEFAULT 0;
CREATE INDEX media_attachments_remote ON media_attachments (id) WHERE remote_url <> '' AND file_key = '';
CREATE INDEX media_attachments_cached ON media_attachments (cached_at) WHERE cached_at IS NOT NULL;
