-- Lists, filters, markers, followed and featured tags, conversation state.

CREATE TABLE lists (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    replies_policy TEXT NOT NULL DEFAULT 'list',  -- followed | list | none
    exclusive BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX lists_account ON lists (account_id, id);

-- A member is tied to the owner's follow (as in Mastodon): unfollowing
-- removes the account from the owner's lists through the cascade.
CREATE TABLE list_accounts (
    id BIGINT PRIMARY KEY,
    list_id BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    follow_id BIGINT NOT NULL REFERENCES follows (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX list_accounts_pair ON list_accounts (list_id, account_id);
CREATE INDEX list_accounts_account ON list_accounts (account_id, list_id);
CREATE INDEX list_accounts_follow ON list_accounts (follow_id);

CREATE TABLE filters (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    context TEXT NOT NULL,                        -- comma separated: home,notifications,public,thread,account
    action TEXT NOT NULL DEFAULT 'warn',          -- warn | hide | blur
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX filters_account ON filters (account_id, id);

CREATE TABLE filter_keywords (
    id BIGINT PRIMARY KEY,
    filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword TEXT NOT NULL,
    whole_word BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id, id);

CREATE TABLE filter_statuses (
    id BIGINT PRIMARY KEY,
    filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX filter_statuses_pair ON filter_statuses (filter_id, status_id);
CREATE INDEX filter_statuses_status ON filter_statuses (status_id);

CREATE TABLE markers (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    timeline TEXT NOT NULL,                       -- home | notifications
    last_read_id BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, timeline)
);

CREATE TABLE followed_tags (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX followed_tags_pair ON followed_tags (account_id, tag_id);
CREATE INDEX followed_tags_tag ON followed_tags (tag_id, account_id);

CREATE TABLE featured_tags (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX featured_tags_pair ON featured_tags (account_id, tag_id);

-- Conversations are derived from direct statuses; this keeps what each
-- participant did with them: read up to a status, removed up to a status
-- (a newer message brings the conversation back, as in Mastodon).
CREATE TABLE conversation_states (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL,
    read_up_to BIGINT NOT NULL DEFAULT 0,
    removed_up_to BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, conversation_id)
);

-- Search finds a known status by the URL people paste (uri has its index).
CREATE INDEX statuses_url ON statuses (url) WHERE url <> '';

-- Conversations list one's own direct statuses (mentions have their index).
CREATE INDEX statuses_direct ON statuses (account_id, id) WHERE visibility = 'direct';

-- Accounts a user dismissed from their follow suggestions.
CREATE TABLE suggestion_dismissals (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, target_account_id)
);
