-- The console's Users list sorts by name, groups, last console sign-in or creation, each
-- with the name breaking ties, and pages through a keyset. One index per order, read
-- forwards or backwards; a missing sign-in sorts as -infinity, so the index holds the
-- same expression the query sorts by.
DROP INDEX iam_users_created_idx;
CREATE INDEX iam_users_created_idx ON iam_users (account_id, created_at, name_key);
CREATE INDEX iam_users_groups_idx ON iam_users (account_id, group_count, name_key);
CREATE INDEX iam_users_signin_idx ON iam_users
    (account_id, COALESCE(password_last_used, '-infinity'::timestamptz), name_key);
