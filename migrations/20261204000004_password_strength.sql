-- Beyond AWS: the lowest zxcvbn score (0-4) an account accepts for a new password,
-- root's included; 0 turns the check off. Not part of AWS's password policy, so
-- UpdateAccountPasswordPolicy and DeleteAccountPasswordPolicy leave it as it is.
ALTER TABLE accounts
    ADD COLUMN minimum_password_score smallint NOT NULL DEFAULT 2
        CHECK (minimum_password_score BETWEEN 0 AND 4);
