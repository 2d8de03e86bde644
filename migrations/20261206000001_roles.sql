-- Roles: a trust policy says who may assume the role; its inline and attached policies
-- (capped by an optional permissions boundary) say what its sessions may do. Limits are
-- held as for users: counters with CHECK constraints, changed in the statement that
-- changes what they count.

CREATE TABLE iam_roles (
    role_id         text PRIMARY KEY CHECK (role_id ~ '^AROA[A-Z2-7]{17}$'),
    account_id      text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name            text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,64}$'),
    name_key        text NOT NULL,
    path            text NOT NULL CHECK (length(path) BETWEEN 1 AND 512),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    trust_policy    text NOT NULL,
    max_session_duration integer NOT NULL DEFAULT 3600
        CHECK (max_session_duration BETWEEN 3600 AND 43200),
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz,
    last_used_region text,
    boundary_policy_id text REFERENCES managed_policies (policy_id),
    attached_count  integer NOT NULL DEFAULT 0,
    inline_count    integer NOT NULL DEFAULT 0,
    inline_chars    integer NOT NULL DEFAULT 0,
    tag_count       integer NOT NULL DEFAULT 0,
    CONSTRAINT iam_roles_name_key UNIQUE (account_id, name_key),
    CONSTRAINT iam_roles_attached_limit CHECK (attached_count BETWEEN 0 AND 10),
    CONSTRAINT iam_roles_inline_size_limit CHECK (inline_chars BETWEEN 0 AND 10240),
    CONSTRAINT iam_roles_tag_limit CHECK (tag_count BETWEEN 0 AND 50),
    CHECK (inline_count >= 0)
);
CREATE INDEX iam_roles_path_idx ON iam_roles (account_id, path text_pattern_ops, name_key);
CREATE INDEX iam_roles_boundary_idx ON iam_roles (boundary_policy_id)
    WHERE boundary_policy_id IS NOT NULL;

CREATE TABLE role_policy_attachments (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    role_id     text NOT NULL REFERENCES iam_roles ON DELETE CASCADE,
    policy_id   text NOT NULL REFERENCES managed_policies,
    attached_at timestamptz NOT NULL,
    PRIMARY KEY (role_id, policy_id)
);
CREATE INDEX role_policy_attachments_policy_idx ON role_policy_attachments (policy_id);

CREATE TABLE role_inline_policies (
    account_id  text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    role_id     text NOT NULL REFERENCES iam_roles ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,128}$'),
    document    text NOT NULL,
    chars       integer NOT NULL,
    revision    bigint NOT NULL DEFAULT nextval('inline_policy_revisions'),
    PRIMARY KEY (role_id, name)
);
CREATE INDEX role_inline_policies_revision_idx ON role_inline_policies (revision);

-- Role sessions are temporary credentials too. A session goes with its role (deleting
-- the role ends it). What narrows it is kept with it: the inline session policy, the
-- managed session policies by id, the session tags; `chained` when a role session
-- asked for it (role chaining, at most an hour); `source_arn` who assumed the role.
ALTER TABLE session_credentials
    ALTER COLUMN source_key_id DROP NOT NULL,
    ADD COLUMN role_id text REFERENCES iam_roles ON DELETE CASCADE,
    ADD COLUMN session_name text CHECK (session_name ~ '^[A-Za-z0-9+=,.@_-]{2,64}$'),
    ADD COLUMN session_policy text,
    ADD COLUMN session_policy_ids text[] NOT NULL DEFAULT '{}',
    ADD COLUMN session_tag_keys text[] NOT NULL DEFAULT '{}',
    ADD COLUMN session_tag_values text[] NOT NULL DEFAULT '{}',
    ADD COLUMN transitive_tag_keys text[] NOT NULL DEFAULT '{}',
    ADD COLUMN source_identity text,
    ADD COLUMN chained boolean NOT NULL DEFAULT false,
    ADD COLUMN source_arn text,
    ADD CHECK (role_id IS NULL OR (user_id IS NULL AND session_name IS NOT NULL));
CREATE INDEX session_credentials_role_idx ON session_credentials (role_id)
    WHERE role_id IS NOT NULL;

-- A console session switched to a role (Switch role): the role session's credentials
-- (issued by AssumeRole like any other, never given to the browser), and how the
-- console labels it. Deleting the credentials (the role, or expiry pruning) switches
-- the console back to the user who signed in.
ALTER TABLE console_sessions
    ADD COLUMN role_key_id text REFERENCES session_credentials ON DELETE SET NULL,
    ADD COLUMN role_display_name text CHECK (length(role_display_name) <= 64),
    ADD COLUMN role_color text CHECK (role_color ~ '^[0-9a-f]{6}$');
