-- The hashes of passwords a user has replaced, newest first, for the password policy's
-- reuse prevention (at most 24 are ever consulted; older ones are pruned).
CREATE TABLE password_history (
    -- The order of replacement, also when two happen within the same instant.
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       text NOT NULL REFERENCES iam_users ON DELETE CASCADE,
    account_id    text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    replaced_at   timestamptz NOT NULL
);
CREATE INDEX password_history_user_idx ON password_history (user_id, seq DESC);
