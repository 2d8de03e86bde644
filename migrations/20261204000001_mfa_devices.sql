-- Virtual MFA devices (CreateVirtualMFADevice): created unassigned, then enabled for
-- one IAM user or for the account's root user (EnableMFADevice). The TOTP seed is
-- sealed with the master key, bound to the device's serial number. `last_step` is the
-- last TOTP time step accepted from the device: a code is accepted only by an UPDATE
-- that raises it, so no code (and no earlier one) is ever accepted twice, also when
-- two requests race.
CREATE TABLE mfa_devices (
    serial_number text PRIMARY KEY CHECK (length(serial_number) BETWEEN 9 AND 256),
    account_id    text NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name          text NOT NULL CHECK (name ~ '^[A-Za-z0-9+=,.@_-]{1,226}$'),
    name_key      text NOT NULL,
    path          text NOT NULL CHECK (length(path) BETWEEN 1 AND 512),
    seed_sealed   bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    -- Whom the device is enabled for: nobody yet, the root user, or one IAM user.
    owner         text NOT NULL DEFAULT 'none' CHECK (owner IN ('none', 'root', 'user')),
    -- An IAM user with an enabled device cannot be deleted (DeleteConflict), as in AWS.
    user_id       text REFERENCES iam_users ON DELETE RESTRICT,
    enabled_at    timestamptz,
    last_step     bigint NOT NULL DEFAULT 0,
    CONSTRAINT mfa_devices_name_key UNIQUE (account_id, name_key),
    CHECK ((owner = 'user') = (user_id IS NOT NULL)),
    CHECK ((owner = 'none') = (enabled_at IS NULL))
);
CREATE INDEX mfa_devices_user_idx ON mfa_devices (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX mfa_devices_root_idx ON mfa_devices (account_id) WHERE owner = 'root';

-- At most 8 enabled devices per IAM user and per root user: counters with CHECKs,
-- moved in the statement that enables or deactivates a device.
ALTER TABLE iam_users ADD COLUMN mfa_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT iam_users_mfa_limit CHECK (mfa_count BETWEEN 0 AND 8);
ALTER TABLE accounts ADD COLUMN root_mfa_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT accounts_root_mfa_limit CHECK (root_mfa_count BETWEEN 0 AND 8);

-- A console session signed in with a second factor, and when that factor was given
-- (aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge).
ALTER TABLE console_sessions ADD COLUMN mfa_at timestamptz;
