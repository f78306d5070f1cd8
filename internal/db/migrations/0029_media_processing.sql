-- Video, audio and animated GIFs are processed by the media.process job
-- after the upload (docs/operations.md). Until it is done the attachment
-- has no file (url null, GET answers 206) and cannot be attached; when it
-- fails, processing_error says why (GET answers 422). source_key is the
-- upload as received, kept in storage until the job has replaced it.
ALTER TABLE media_attachments ADD COLUMN processing TEXT NOT NULL DEFAULT 'done'; -- processing | done | failed
ALTER TABLE media_attachments ADD COLUMN processing_error TEXT NOT NULL DEFAULT '';
ALTER TABLE media_attachments ADD COLUMN source_key TEXT NOT NULL DEFAULT '';
