-- Sign-in limits per (subject, address), per subject and per address, replacing the
-- per-subject throttle; and root emails compared by a key that Rust computes, because
-- PostgreSQL's lower() without a locale leaves non-ASCII letters alone.

DROP TABLE signin_throttle;

CREATE TABLE signin_limits (
    scope         text NOT NULL CHECK (scope IN ('pair', 'subject', 'address')),
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 600),
    -- pair: consecutive failures and the lockout they earned
    failures      integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until  timestamptz,
    -- subject, address: the leaky bucket's level at updated_at
    level         double precision NOT NULL DEFAULT 0 CHECK (level >= 0),
    -- pair: the last successful sign-in, which makes the address known to the subject
    last_success_at timestamptz,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX signin_limits_updated_idx ON signin_limits (updated_at);
CREATE INDEX signin_attempts_at_idx ON signin_attempts (at);

ALTER TABLE accounts ADD COLUMN root_email_key text;
UPDATE accounts SET root_email_key = lower(root_email);
ALTER TABLE accounts ALTER COLUMN root_email_key SET NOT NULL;
ALTER TABLE accounts ADD CHECK (length(root_email_key) BETWEEN 3 AND 1024);
DROP INDEX accounts_root_email_key;
ALTER TABLE accounts ADD CONSTRAINT accounts_root_email_key UNIQUE (root_email_key);
