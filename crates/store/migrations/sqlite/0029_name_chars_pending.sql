-- A bulk write's members whose name search entries are written after its commit (issue 14);
-- see the PostgreSQL migration 0030. On SQLite the entries took 1.8 s of a 100,000-member
-- import into the 1 M set, inside the transaction that holds the database's write lock.
CREATE TABLE name_chars_pending (
    id      INTEGER PRIMARY KEY,
    lo      BIGINT NOT NULL,
    hi      BIGINT NOT NULL,
    path_lo TEXT NOT NULL,
    path_hi TEXT NOT NULL
);
