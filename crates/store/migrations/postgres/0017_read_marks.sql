-- Read replicas (issue 14): where in the primary's WAL each person's latest write ended, so
-- that any app server sends that person's replica-eligible reads to the primary until the
-- replica has replayed it (store/src/replica/). Written only when a replica is configured.
CREATE TABLE read_marks (
    person_id BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    -- pg_current_wal_insert_lsn() after the commit, as bytes from 0/0.
    lsn       BIGINT NOT NULL,
    marked_at BIGINT NOT NULL
);
