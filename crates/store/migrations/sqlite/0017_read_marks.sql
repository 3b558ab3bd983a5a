-- Read replicas (issue 14) exist only on PostgreSQL; the table keeps both schemas alike
-- (store/src/replica/). Nothing writes it on SQLite.
CREATE TABLE read_marks (
    person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    lsn       INTEGER NOT NULL,
    marked_at INTEGER NOT NULL
);
