-- Every start (`serve`, `import`, `verify-counters` …) looks for organisations and people whose
-- name keys are still missing (`name_order::fill_missing`, for rows from before migration
-- 0013). Without an index that was a scan of every person and organisation on each command
-- (0.11 s for 1.1 million people on SQLite; ten times that many at national scale). Rows get
-- their keys when written, so these indexes stay empty and the look-up is one probe.
CREATE INDEX orgs_unsorted ON orgs(id) WHERE sort_key IS NULL;
CREATE INDEX people_unsorted ON people(id) WHERE name_sort IS NULL;

-- A name's characters depend on nothing but the name: marked so, a query calling it (the check
-- of the name index in `verify-counters`) may be shared out between parallel workers.
ALTER FUNCTION tj_name_chars(TEXT) PARALLEL SAFE;
