-- An organisation's full name as compared for uniqueness: its NFKC form (crates/domain/src/text.rs,
-- comparison_key), so "ＡＢＣ团委" and "ABC团委" cannot both exist. The name itself stays as typed.
-- SQL cannot compute NFKC on SQLite: the store fills the key on every insert and rename, and
-- `Store::migrate` fills it for the rows stored before this migration (store/src/name_check.rs),
-- leaving it empty only on a row whose key another row already holds (reported, see there).
ALTER TABLE orgs ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX orgs_name_key ON orgs(name_key);
