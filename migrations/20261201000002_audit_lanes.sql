-- One hash chain per account made every audited write of an account wait for the one
-- before it to commit (the head row stays locked through the commit's flush), which
-- capped an account at about 400 writes a second. Each account now has eight chains
-- ("lanes"); a write takes whichever lane is free, so commits overlap and share flushes.
-- `seq` becomes the event's number in the account's log, from one sequence;
-- `lane_seq` is its position in its lane, the chain `audit verify` walks.
-- `form` says which canonical encoding the hash covers: 1 for events written before
-- lanes (their position and number were the same), 2 for events that hash both.

CREATE SEQUENCE audit_event_seq;
SELECT setval('audit_event_seq', COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false);

ALTER TABLE audit_events
    ADD COLUMN lane smallint NOT NULL DEFAULT 0 CHECK (lane BETWEEN 0 AND 7),
    ADD COLUMN lane_seq bigint,
    ADD COLUMN form smallint NOT NULL DEFAULT 1 CHECK (form IN (1, 2));
UPDATE audit_events SET lane_seq = seq;
ALTER TABLE audit_events
    ALTER COLUMN lane_seq SET NOT NULL,
    ALTER COLUMN lane DROP DEFAULT,
    ALTER COLUMN form DROP DEFAULT,
    ADD CONSTRAINT audit_events_lane_seq_key UNIQUE (account_id, lane, lane_seq),
    ADD CHECK (lane_seq >= 1);

ALTER TABLE audit_heads RENAME COLUMN seq TO lane_seq;
ALTER TABLE audit_heads
    ADD COLUMN lane smallint NOT NULL DEFAULT 0 CHECK (lane BETWEEN 0 AND 7),
    DROP CONSTRAINT audit_heads_pkey,
    ADD PRIMARY KEY (account_id, lane);
ALTER TABLE audit_heads ALTER COLUMN lane DROP DEFAULT;
