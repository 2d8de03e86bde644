-- The directory: IAM users, groups, managed and inline policies, attachments, tags,
-- login profiles, and the audit log. Every row carries account_id. Limits are held by
-- the database: counters with CHECK constraints, updated in the same statement that
-- adds the thing they count, so racing requests cannot pass a limit.

CREATE TABLE iam_users (
    user_id         text PRIMARY KEY CHECK (user_id ~ '^AIDA[A-Z2-7]{17}$'),
    account_id      text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name            text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,64}$'),
    name_key        text NOT NULL,
    path            text NOT NULL CHECK (length(path) BETWEEN 1 AND 512),
    created_at      timestamptz NOT NULL,
    boundary_policy_id text,
    password_last_used timestamptz,
    group_count     integer NOT NULL DEFAULT 0,
    attached_count  integer NOT NULL DEFAULT 0,
    inline_count    integer NOT NULL DEFAULT 0,
    inline_chars    integer NOT NULL DEFAULT 0,
    tag_count       integer NOT NULL DEFAULT 0,
    CONSTRAINT iam_users_name_key UNIQUE (account_id, name_key),
    CONSTRAINT iam_users_group_limit CHECK (group_count BETWEEN 0 AND 10),
    CONSTRAINT iam_users_attached_limit CHECK (attached_count BETWEEN 0 AND 10),
    CONSTRAINT iam_users_inline_size_limit CHECK (inline_chars BETWEEN 0 AND 2048),
    CONSTRAINT iam_users_tag_limit CHECK (tag_count BETWEEN 0 AND 50),
    CHECK (inline_count >= 0)
);
-- Keyset pagination by name, and path-prefix listing.
CREATE INDEX iam_users_list_idx ON iam_users (account_id, name_key);
CREATE INDEX iam_users_path_idx ON iam_users (account_id, path text_pattern_ops, name_key);
CREATE INDEX iam_users_created_idx ON iam_users (account_id, created_at, user_id);

CREATE TABLE iam_groups (
    group_id        text PRIMARY KEY CHECK (group_id ~ '^AGPA[A-Z2-7]{17}$'),
    account_id      text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name            text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,128}$'),
    name_key        text NOT NULL,
    path            text NOT NULL CHECK (length(path) BETWEEN 1 AND 512),
    created_at      timestamptz NOT NULL,
    member_count    integer NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    child_count     integer NOT NULL DEFAULT 0 CHECK (child_count >= 0),
    parent_count    integer NOT NULL DEFAULT 0,
    attached_count  integer NOT NULL DEFAULT 0,
    inline_count    integer NOT NULL DEFAULT 0,
    inline_chars    integer NOT NULL DEFAULT 0,
    CONSTRAINT iam_groups_name_key UNIQUE (account_id, name_key),
    CONSTRAINT iam_groups_parent_limit CHECK (parent_count BETWEEN 0 AND 10),
    CONSTRAINT iam_groups_attached_limit CHECK (attached_count BETWEEN 0 AND 10),
    CONSTRAINT iam_groups_inline_size_limit CHECK (inline_chars BETWEEN 0 AND 5120),
    CHECK (inline_count >= 0)
);
CREATE INDEX iam_groups_path_idx ON iam_groups (account_id, path text_pattern_ops, name_key);

CREATE TABLE group_users (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    group_id    text NOT NULL REFERENCES iam_groups ON DELETE CASCADE,
    user_id     text NOT NULL REFERENCES iam_users ON DELETE CASCADE,
    added_at    timestamptz NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_users_user_idx ON group_users (user_id);

-- Groups in groups (our extension); the child inherits the parent's policies.
CREATE TABLE group_groups (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    parent_id   text NOT NULL REFERENCES iam_groups ON DELETE CASCADE,
    child_id    text NOT NULL REFERENCES iam_groups ON DELETE CASCADE,
    added_at    timestamptz NOT NULL,
    PRIMARY KEY (parent_id, child_id),
    CHECK (parent_id <> child_id)
);
CREATE INDEX group_groups_child_idx ON group_groups (child_id);

-- Managed policies: customer managed (account_id set) and AWS managed (account_id NULL,
-- ARN arn:aws:iam::aws:policy<path><name>). Versions are immutable once written, so a
-- compiled version can be cached by (policy_id, version) without invalidation.
CREATE TABLE managed_policies (
    policy_id       text PRIMARY KEY CHECK (policy_id ~ '^ANPA[A-Z2-7]{17}$'),
    account_id      text REFERENCES accounts ON DELETE CASCADE,
    name            text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,128}$'),
    name_key        text NOT NULL,
    path            text NOT NULL CHECK (length(path) BETWEEN 1 AND 512),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    default_version integer NOT NULL,
    next_version    integer NOT NULL DEFAULT 2,
    version_count   integer NOT NULL DEFAULT 1,
    attachment_count integer NOT NULL DEFAULT 0 CHECK (attachment_count >= 0),
    boundary_count  integer NOT NULL DEFAULT 0 CHECK (boundary_count >= 0),
    tag_count       integer NOT NULL DEFAULT 0,
    CONSTRAINT managed_policies_version_limit CHECK (version_count BETWEEN 1 AND 5),
    CONSTRAINT managed_policies_tag_limit CHECK (tag_count BETWEEN 0 AND 50)
);
CREATE UNIQUE INDEX managed_policies_name_key ON managed_policies (account_id, name_key)
    WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX managed_policies_aws_name_key ON managed_policies (path, name_key)
    WHERE account_id IS NULL;
CREATE INDEX managed_policies_list_idx ON managed_policies (account_id, name_key);

CREATE TABLE policy_versions (
    policy_id   text NOT NULL REFERENCES managed_policies ON DELETE CASCADE,
    version     integer NOT NULL CHECK (version >= 1),
    document    text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (policy_id, version)
);

ALTER TABLE iam_users ADD CONSTRAINT iam_users_boundary_fkey
    FOREIGN KEY (boundary_policy_id) REFERENCES managed_policies (policy_id);

CREATE TABLE user_policy_attachments (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    user_id     text NOT NULL REFERENCES iam_users ON DELETE CASCADE,
    policy_id   text NOT NULL REFERENCES managed_policies,
    attached_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, policy_id)
);
CREATE INDEX user_policy_attachments_policy_idx ON user_policy_attachments (policy_id);

CREATE TABLE group_policy_attachments (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    group_id    text NOT NULL REFERENCES iam_groups ON DELETE CASCADE,
    policy_id   text NOT NULL REFERENCES managed_policies,
    attached_at timestamptz NOT NULL,
    PRIMARY KEY (group_id, policy_id)
);
CREATE INDEX group_policy_attachments_policy_idx ON group_policy_attachments (policy_id);

-- Inline policies. `revision` changes on every put, so a compiled inline policy is
-- cached by its revision and a change is seen on the next request by every server.
CREATE SEQUENCE inline_policy_revisions;
CREATE TABLE user_inline_policies (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    user_id     text NOT NULL REFERENCES iam_users ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,128}$'),
    document    text NOT NULL,
    chars       integer NOT NULL,
    revision    bigint NOT NULL DEFAULT nextval('inline_policy_revisions'),
    PRIMARY KEY (user_id, name)
);
CREATE TABLE group_inline_policies (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    group_id    text NOT NULL REFERENCES iam_groups ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,128}$'),
    document    text NOT NULL,
    chars       integer NOT NULL,
    revision    bigint NOT NULL DEFAULT nextval('inline_policy_revisions'),
    PRIMARY KEY (group_id, name)
);

-- Tags on users and policies (key compared without case, as AWS does).
CREATE TABLE resource_tags (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    resource_id text NOT NULL,
    key_lower   text NOT NULL,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 128),
    value       text NOT NULL CHECK (length(value) <= 256),
    PRIMARY KEY (resource_id, key_lower)
);

CREATE TABLE login_profiles (
    user_id         text PRIMARY KEY REFERENCES iam_users ON DELETE CASCADE,
    account_id      text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    reset_required  boolean NOT NULL,
    created_at      timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL
);

-- Console sessions of IAM users as well as root.
ALTER TABLE console_sessions DROP CONSTRAINT console_sessions_principal_kind_check;
ALTER TABLE console_sessions ADD CHECK (principal_kind IN ('root', 'user'));
ALTER TABLE console_sessions ADD COLUMN user_id text REFERENCES iam_users ON DELETE CASCADE;
ALTER TABLE console_sessions ADD CHECK ((principal_kind = 'user') = (user_id IS NOT NULL));

-- The audit log: per account, a hash chain. Each event's hash is
-- sha256(previous hash || canonical form of the event); the head row, locked for the
-- append, holds the latest sequence number and hash.
CREATE TABLE audit_heads (
    account_id  text PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
    seq         bigint NOT NULL,
    hash        bytea NOT NULL
);
CREATE TABLE audit_events (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    seq         bigint NOT NULL CHECK (seq >= 1),
    event_id    uuid NOT NULL UNIQUE,
    at          timestamptz NOT NULL,
    actor_arn   text NOT NULL,
    source_ip   text,
    user_agent  text,
    action      text NOT NULL,
    resource    text NOT NULL,
    params      text NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
    error_code  text,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL,
    PRIMARY KEY (account_id, seq)
);
CREATE INDEX audit_events_time_idx ON audit_events (account_id, at DESC, seq DESC);
