-- The console's search finds names containing a string anywhere. Without an index that is
-- a walk over every name in order; trigram indexes answer it from the matching rows.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension, so the database
-- owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX iam_users_search_idx ON iam_users USING gin (name_key gin_trgm_ops);
CREATE INDEX iam_groups_search_idx ON iam_groups USING gin (name_key gin_trgm_ops);
