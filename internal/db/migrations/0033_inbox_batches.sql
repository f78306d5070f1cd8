-- The inbox worker processes stored activities in batches (docs/federation.md,
-- "Inbox pipeline"): inbox_activities is its durable queue. A pending row
-- (processed_at NULL) is claimed by setting run_at to the end of a lease;
-- a failed attempt sets run_at to the next try. A crash leaves the row
-- pending, and it is claimed again once run_at has passed.
ALTER TABLE inbox_activities ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_activities ADD COLUMN run_at BIGINT NOT NULL DEFAULT 0;   -- milliseconds: not claimed before
ALTER TABLE inbox_activities ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE INDEX inbox_activities_pending ON inbox_activities (run_at, id) WHERE processed_at IS NULL;
