-- Media attachments (docs/operations.md). An upload is unattached
-- (status_id NULL) until a status takes it; unattached uploads are removed
-- after a day by the media cleanup job, which counts from updated_at
-- (set when the row is written, edited, attached or detached). No foreign
-- key on status_id: deleting a status leaves its media for
-- delete-and-redraft, and a row whose status is gone counts as unattached.
CREATE TABLE media_attachments (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    status_id BIGINT,
    position INTEGER NOT NULL DEFAULT 0,      -- order within the status
    type TEXT NOT NULL,                       -- image | video | audio (Mastodon's types)
    content_type TEXT NOT NULL,               -- of the stored original
    file_key TEXT NOT NULL,                   -- storage key of the original
    preview_key TEXT NOT NULL DEFAULT '',     -- storage key of the preview, '' for none
    file_size BIGINT NOT NULL DEFAULT 0,      -- bytes of the stored original
    remote_url TEXT NOT NULL DEFAULT '',      -- for remote media, where it came from
    description TEXT NOT NULL DEFAULT '',     -- alt text
    blurhash TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',          -- JSON: Mastodon's meta without focus
    focus_x DOUBLE PRECISION NOT NULL DEFAULT 0,
    focus_y DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX media_attachments_status ON media_attachments (status_id, position) WHERE status_id IS NOT NULL;
CREATE INDEX media_attachments_unattached ON media_attachments (updated_at) WHERE status_id IS NULL;
CREATE INDEX media_attachments_account ON media_attachments (account_id, id);
