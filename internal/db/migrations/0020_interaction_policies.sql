-- Interaction policies (GoToSocial's interaction_policy): who may reply to,
-- boost or favourite a status. A status without a row follows the default
-- of its visibility; the policy is JSON in the API's shape
-- ({"can_reply": {"automatic_approval": [...], "manual_approval": [...]}, ...}).
CREATE TABLE status_interaction_policies (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    policy TEXT NOT NULL
);

-- An account's defaults for new posts, by visibility: JSON
-- {"public": {...}, "private": {...}}; a visibility left out follows
-- GoToSocial's default.
CREATE TABLE account_interaction_policies (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    policies TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Replies hidden from a thread by the author of its first post (Bluesky's
-- threadgate hiddenReplies): left out of the thread for everyone but the
-- reply's author, with the replies to them.
CREATE TABLE hidden_replies (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    hidden_by BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
