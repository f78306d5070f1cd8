-- A remote poll's tallies as its server last sent them (an Update of the
-- Question): a JSON array of counts, one per option, '' while none was
-- received (the local votes are counted then), and its voters count (NULL
-- when the server gave none).
ALTER TABLE polls ADD COLUMN remote_votes TEXT NOT NULL DEFAULT '';
ALTER TABLE polls ADD COLUMN remote_voters BIGINT;

-- When a remote account's suspension came from its own server (a Delete of
-- the actor): the same time as suspended_at. A valid Update of the actor
-- lifts the suspension only while suspended_at still equals it, so that a
-- suspension decided here is never lifted by the remote server.
ALTER TABLE accounts ADD COLUMN remote_suspended_at BIGINT;
