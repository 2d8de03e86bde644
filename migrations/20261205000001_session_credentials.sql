-- Temporary credentials (STS GetSessionToken): an ASIA key id, its secret sealed with
-- the master key, and the SHA-256 of its session token (the token itself is random and
-- carries nothing readable). They go with their user or account; expired ones are
-- refused (ExpiredToken) and pruned.
CREATE TABLE session_credentials (
    access_key_id  text PRIMARY KEY CHECK (access_key_id ~ '^ASIA[A-Z2-7]{16}$'),
    account_id     text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    user_id        text REFERENCES iam_users ON DELETE CASCADE,
    -- The long-term key that asked for them.
    source_key_id  text NOT NULL,
    secret_sealed  bytea NOT NULL,
    token_sha256   bytea NOT NULL CHECK (length(token_sha256) = 32),
    issued_at      timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    -- When the MFA code was given, for credentials asked for with one.
    mfa_at         timestamptz,
    CHECK (expires_at > issued_at)
);

CREATE INDEX session_credentials_expiry ON session_credentials (expires_at);
