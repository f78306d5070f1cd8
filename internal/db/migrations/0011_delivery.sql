-- Outbound delivery: the circuit breaker of remote hosts (docs/federation.md, "Delivery").
-- A host gets a row when a delivery to it fails; after enough consecutive
-- failures it is unavailable until retry_at, and deliveries to it wait
-- (snoozed jobs) except one probe at a time. A success closes the circuit.
CREATE TABLE federation_hosts (
    host TEXT PRIMARY KEY,                    -- host[:port] of the inbox URL, lowercased
    failures BIGINT NOT NULL DEFAULT 0,       -- consecutive failed deliveries
    last_failure_at BIGINT,
    retry_at BIGINT,                          -- while open: no request before this (ms)
    last_success_at BIGINT
);
