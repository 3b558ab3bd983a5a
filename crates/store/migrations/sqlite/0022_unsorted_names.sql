-- Every start (`serve`, `import`, `verify-counters` …) looks for organisations and people whose
-- name keys are still missing (`name_order::fill_missing`, for rows from before migration
-- 0013). Without an index that was a scan of every person and organisation on each command
-- (0.11 s for 1.1 million people on SQLite; ten times that many at national scale). Rows get
-- their keys when written, so these indexes stay empty and the look-up is one probe.
CREATE INDEX orgs_unsorted ON orgs(id) WHERE sort_key IS NULL;
CREATE INDEX people_unsorted ON people(id) WHERE name_sort IS NULL;
