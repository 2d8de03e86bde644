-- AWS managed policies are rows of managed_policies with account_id NULL, written only by
-- the catalogue sync at start-up (from the catalogue built into the binary). This row
-- records which catalogue was synced last, so a restart with the same binary does nothing.
CREATE TABLE aws_policy_catalogue (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    synced_at   timestamptz NOT NULL
);
