-- Recovery codes (beyond AWS): single-use stand-ins for an MFA code, ten issued to a
-- principal at a time. Only a SHA-256 of each is kept (80 random bits: no dictionary
-- to try); a code is spent by the UPDATE that sets used_at, so it is accepted once.
CREATE TABLE recovery_codes (
    code_hash  bytea PRIMARY KEY CHECK (length(code_hash) = 32),
    account_id text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    owner      text NOT NULL CHECK (owner IN ('root', 'user')),
    -- The codes go with the user (they are worthless without them).
    user_id    text REFERENCES iam_users ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    used_at    timestamptz,
    CHECK ((owner = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX recovery_codes_holder_idx ON recovery_codes (account_id, owner, user_id);
