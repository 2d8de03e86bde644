-- The account password policy (UpdateAccountPasswordPolicy), one per account; no row
-- means AWS's default rules. The ranges are AWS's.
CREATE TABLE account_password_policies (
    account_id text PRIMARY KEY REFERENCES accounts(account_id) ON DELETE CASCADE,
    minimum_password_length integer NOT NULL CHECK (minimum_password_length BETWEEN 6 AND 128),
    require_symbols boolean NOT NULL,
    require_numbers boolean NOT NULL,
    require_uppercase_characters boolean NOT NULL,
    require_lowercase_characters boolean NOT NULL,
    allow_users_to_change_password boolean NOT NULL,
    max_password_age integer CHECK (max_password_age BETWEEN 1 AND 1095),
    password_reuse_prevention integer CHECK (password_reuse_prevention BETWEEN 1 AND 24),
    hard_expiry boolean NOT NULL,
    updated_at timestamptz NOT NULL
);
