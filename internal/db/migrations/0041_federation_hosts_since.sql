-- Unavailable hosts page (docs/administration.md): since when a host has
-- been failing, the time of the first failed delivery of its current run
-- of consecutive failures (NULL once a delivery succeeds). Rows failing
-- before this version take their last failure's time.
ALTER TABLE federation_hosts ADD COLUMN failing_since BIGINT;
UPDATE federation_hosts SET failing_since = last_failure_at WHERE failures > 0;
