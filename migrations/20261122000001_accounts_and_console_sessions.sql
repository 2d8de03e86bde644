-- Accounts, each with its root user, and the console's sign-in state.

CREATE TABLE accounts (
    account_id          text PRIMARY KEY CHECK (account_id ~ '^[0-9]{12}$'),
    alias               text UNIQUE CHECK (
                            length(alias) BETWEEN 3 AND 63
                            AND alias ~ '^[a-z0-9]+(-[a-z0-9]+)*$'
                            AND alias !~ '^[0-9]+$'),
    root_email          text NOT NULL CHECK (length(root_email) BETWEEN 3 AND 254),
    root_password_hash  text NOT NULL CHECK (root_password_hash LIKE '$argon2id$%'),
    created_at          timestamptz NOT NULL
);

-- Root emails are unique across the installation, compared without case.
CREATE UNIQUE INDEX accounts_root_email_key ON accounts (lower(root_email));

CREATE TABLE console_sessions (
    id              uuid PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    principal_kind  text NOT NULL CHECK (principal_kind IN ('root')),
    principal_name  text NOT NULL,
    signed_in_at    timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    ended_at        timestamptz,
    end_reason      text CHECK (end_reason IN ('signed_out', 'idle_timeout', 'lifetime_exceeded')),
    source_ip       text,
    user_agent      text,
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX console_sessions_account_idx ON console_sessions (account_id, signed_in_at);

-- Every sign-in attempt, with its outcome and where it came from. account_id is empty
-- when the attempt named no known account.
CREATE TABLE signin_attempts (
    id          bigserial PRIMARY KEY,
    account_id  text REFERENCES accounts ON DELETE CASCADE,
    subject     text NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('success', 'bad_credentials', 'throttled')),
    source_ip   text,
    user_agent  text,
    at          timestamptz NOT NULL
);
CREATE INDEX signin_attempts_account_idx ON signin_attempts (account_id, at);

-- Consecutive failures per sign-in subject (e.g. "root:<email>"), known or not, so an
-- unknown email is slowed down exactly like a known one.
CREATE TABLE signin_throttle (
    subject               text PRIMARY KEY,
    consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    locked_until          timestamptz
);
