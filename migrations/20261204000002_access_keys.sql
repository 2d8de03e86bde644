-- Access keys (CreateAccessKey) of IAM users and of root users. The secret is sealed
-- with the master key, bound to the key id; it leaves the server once, when the key is
-- created. Last use (time, service, region) is recorded by the API, at most once per key
-- per 15 minutes.
CREATE TABLE access_keys (
    access_key_id     text PRIMARY KEY CHECK (access_key_id ~ '^AKIA[A-Z2-7]{16}$'),
    account_id        text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    owner             text NOT NULL CHECK (owner IN ('root', 'user')),
    -- A user with access keys cannot be deleted (DeleteConflict), as in AWS.
    user_id           text REFERENCES iam_users ON DELETE RESTRICT,
    secret_sealed     bytea NOT NULL,
    status            text NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
    created_at        timestamptz NOT NULL,
    last_used_at      timestamptz,
    last_used_service text,
    last_used_region  text,
    CHECK ((owner = 'user') = (user_id IS NOT NULL)),
    CHECK ((last_used_at IS NULL) = (last_used_service IS NULL)
       AND (last_used_at IS NULL) = (last_used_region IS NULL))
);
CREATE INDEX access_keys_user_idx ON access_keys (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX access_keys_root_idx ON access_keys (account_id) WHERE owner = 'root';

-- At most 2 keys per IAM user and per root user, inactive ones counting: counters with
-- CHECKs, moved in the statements that create and delete a key, so racing requests
-- queue on the holder's row and the third fails.
ALTER TABLE iam_users ADD COLUMN access_key_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT iam_users_access_key_limit CHECK (access_key_count BETWEEN 0 AND 2);
ALTER TABLE accounts ADD COLUMN root_access_key_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT accounts_root_access_key_limit CHECK (root_access_key_count BETWEEN 0 AND 2);
