//! Which value of which dimension each counted row stands under, written once for the fold
//! (over the logs the triggers fill) and the recount (over the tables themselves): each
//! `*_values!` macro takes a source with the log's columns and yields `(path, dim, val, delta)`,
//! one row per dimension the source row counts in. A source row stands in several dimensions,
//! so it is joined with a small table of dimension numbers (`k`), which both databases run in
//! one pass over the source. The join is a CROSS JOIN, which SQLite reads in the order written:
//! with an inner join SQLite 3.51 put the numbers outside and ran the source (the log's
//! grouping, 100,000 rows after an import) once per number, a 1.3 s fold instead of 0.15 s.
//!
//! Months are Beijing months of Unix seconds; the expression differs by database, so every
//! macro takes it as `month!` of the two below.

/// Still in the league: normal, or a way out not yet approved (`MembershipStatus::is_member`).
macro_rules! member_statuses {
    () => {
        "('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')"
    };
}

/// Left the league (the approved ways out); 转出本系统 is counted with the transfers.
macro_rules! left_statuses {
    () => {
        "('aged_out', 'lapsed', 'withdrawn', 'expelled')"
    };
}

macro_rules! sqlite_month {
    ($col:literal) => {
        concat!("strftime('%Y-%m', ", $col, " + 28800, 'unixepoch')")
    };
}

macro_rules! pg_month {
    ($col:literal) => {
        concat!(
            "to_char(to_timestamp(",
            $col,
            " + 28800) AT TIME ZONE 'UTC', 'YYYY-MM')"
        )
    };
}

macro_rules! numbers_to {
    (13) => {
        "(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
         UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL \
         SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13)"
    };
    (6) => {
        "(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 \
         UNION ALL SELECT 6)"
    };
    (3) => {
        "(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3)"
    };
    (2) => {
        "(SELECT 1 AS k UNION ALL SELECT 2)"
    };
}

/// Sex and birth year from an ID number column (the 17th character's parity; characters 7–10).
macro_rules! sex_and_birth_year {
    ($id:literal) => {
        concat!(
            "CASE WHEN CAST(substr(",
            $id,
            ", 17, 1) AS INTEGER) % 2 = 1 THEN 'm' ELSE 'f' END AS sex, \
             substr(",
            $id,
            ", 7, 4) AS birth_year"
        )
    };
}

/// Members: columns path, delta, status, sex, birth_year, ethnicity, education, occupation,
/// political, join_month, dev, faulty, status_since. Dimensions 1–10 count members of the
/// league only; 11 every record by its state; 12 every record by its join month; 13 leavers by
/// the month they left.
macro_rules! member_values {
    ($src:expr, $status_month:expr) => {
        $crate::counters::sql::member_values!(
            $src,
            $status_month,
            $crate::counters::sql::numbers_to!(13)
        )
    };
    // `$numbers`: the dimension numbers to yield (a rebuild counts one at a time).
    ($src:expr, $status_month:expr, $numbers:expr) => {
        concat!(
            "SELECT s.path AS path, CASE d.k WHEN 1 THEN 'members' WHEN 2 THEN 'sex' \
             WHEN 3 THEN 'birth_year' WHEN 4 THEN 'ethnicity' WHEN 5 THEN 'education' \
             WHEN 6 THEN 'occupation' WHEN 7 THEN 'political' WHEN 8 THEN 'join_year' \
             WHEN 9 THEN 'dev_number' WHEN 10 THEN 'faulty' WHEN 11 THEN 'status' \
             WHEN 12 THEN 'join_month' ELSE 'left_month' END AS dim, \
             CASE d.k WHEN 1 THEN '' \
             WHEN 2 THEN s.sex WHEN 3 THEN s.birth_year \
             WHEN 4 THEN COALESCE(s.ethnicity, '') WHEN 5 THEN COALESCE(s.education, '') \
             WHEN 6 THEN COALESCE(s.occupation, '') WHEN 7 THEN COALESCE(s.political, '') \
             WHEN 8 THEN COALESCE(substr(s.join_month, 1, 4), '') \
             WHEN 9 THEN CAST(s.dev AS TEXT) WHEN 10 THEN CAST(s.faulty AS TEXT) \
             WHEN 11 THEN s.status WHEN 12 THEN substr(s.join_month, 1, 7) \
             ELSE ",
            $status_month,
            " END AS val, s.delta AS delta \
             FROM ",
            $src,
            " s CROSS JOIN ",
            $numbers,
            " d \
             WHERE (d.k <= 10 AND s.status IN ",
            $crate::counters::sql::member_statuses!(),
            ") OR d.k = 11 \
             OR (d.k = 12 AND s.join_month IS NOT NULL) \
             OR (d.k = 13 AND s.status IN ",
            $crate::counters::sql::left_statuses!(),
            " AND s.status_since IS NOT NULL)"
        )
    };
}

/// Organisations: columns path, delta, kind, level, complete, admin_count, member_count. An
/// organisation counts in its own subtree; branches by size (fewer than 3 members, over 50);
/// organisations without an admin by kind.
macro_rules! org_values {
    ($src:expr) => {
        concat!(
            "SELECT s.path AS path, CASE d.k WHEN 1 THEN 'orgs' WHEN 2 THEN 'org_kind' \
             WHEN 3 THEN 'org_level' WHEN 4 THEN 'org_complete' WHEN 5 THEN 'no_admin' \
             ELSE 'branch_size' END AS dim, \
             CASE d.k WHEN 1 THEN '' WHEN 2 THEN s.kind WHEN 3 THEN s.level \
             WHEN 4 THEN CAST(s.complete AS TEXT) WHEN 5 THEN s.kind \
             ELSE (CASE WHEN s.member_count < 3 THEN 'lt3' WHEN s.member_count > 50 THEN 'gt50' \
                   ELSE 'mid' END) END AS val, s.delta AS delta \
             FROM ", $src, " s CROSS JOIN ", $crate::counters::sql::numbers_to!(6), " d \
             WHERE d.k <= 4 OR (d.k = 5 AND s.admin_count = 0) \
             OR (d.k = 6 AND s.kind IN ('01TZB', '06BYBTZB'))"
        )
    };
}

/// Cadre posts: columns path, delta, post, nature.
macro_rules! cadre_values {
    ($src:expr) => {
        concat!(
            "SELECT s.path AS path, CASE d.k WHEN 1 THEN 'cadres' WHEN 2 THEN 'cadre_post' \
             ELSE 'cadre_nature' END AS dim, \
             CASE d.k WHEN 1 THEN '' WHEN 2 THEN s.post ELSE COALESCE(s.nature, '') END AS val, \
             s.delta AS delta FROM ", $src, " s CROSS JOIN ", $crate::counters::sql::numbers_to!(3), " d"
        )
    };
}

/// Finished transfers: columns from_path, to_path, delta, status, updated_at. Out at the
/// sending branch (also when the member left for a province with its own system), in at the
/// receiving organisation; each by the month it finished.
macro_rules! transfer_values {
    ($src:expr, $month:expr) => {
        concat!(
            "SELECT CASE d.k WHEN 1 THEN s.from_path ELSE s.to_path END AS path, \
             CASE d.k WHEN 1 THEN 'moved_out' ELSE 'moved_in' END AS dim, ",
            $month,
            " AS val, s.delta AS delta FROM ",
            $src,
            " s CROSS JOIN ",
            $crate::counters::sql::numbers_to!(2),
            " d WHERE (d.k = 1 AND s.status IN ('completed', 'left_system')) \
             OR (d.k = 2 AND s.status = 'completed' AND s.to_path IS NOT NULL)"
        )
    };
}

/// Every counted value of the four sources, `(path, dim, val, delta)`.
macro_rules! all_values {
    ($members:expr, $orgs:expr, $cadres:expr, $transfers:expr, $month:ident) => {
        concat!(
            $crate::counters::sql::member_values!($members, $month!("s.status_since")),
            " UNION ALL ",
            $crate::counters::sql::org_values!($orgs),
            " UNION ALL ",
            $crate::counters::sql::cadre_values!($cadres),
            " UNION ALL ",
            $crate::counters::sql::transfer_values!($transfers, $month!("s.updated_at"))
        )
    };
}

/// The members as they stand, with the log's columns; `$at` is the column counted under (the
/// organisation's path, or its id for a rebuild).
macro_rules! member_rows {
    ($at:literal) => {
        concat!("(SELECT ", $at, " AS path, 1 AS delta, m.status AS status, ",
          $crate::counters::sql::sex_and_birth_year!("p.id_number"), ", \
          p.ethnicity AS ethnicity, p.education_highest AS education, p.occupation AS occupation, \
          p.political_status AS political, m.join_month AS join_month, \
          CASE WHEN m.dev_number IS NULL THEN 0 ELSE 1 END AS dev, \
          CASE WHEN m.entry_fault IS NULL THEN 0 ELSE 1 END AS faulty, m.status_since AS status_since \
          FROM members m JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id)")
    };
}

/// The organisations as they stand, with the columns the counters keep on `orgs` counted from
/// their rows.
macro_rules! org_rows {
    ($at:literal) => {
        concat!(
            "(SELECT ",
            $at,
            " AS path, 1 AS delta, o.kind AS kind, o.level AS level, \
              o.info_complete AS complete, \
              (SELECT COUNT(*) FROM org_admins a WHERE a.org_id = o.id) AS admin_count, \
              (SELECT COUNT(*) FROM members m WHERE m.org_id = o.id AND m.status IN ",
            $crate::counters::sql::member_statuses!(),
            ") AS member_count FROM orgs o)"
        )
    };
}

macro_rules! cadre_rows {
    ($at:literal) => {
        concat!(
            "(SELECT ",
            $at,
            " AS path, 1 AS delta, c.post AS post, c.nature AS nature \
              FROM cadre_posts c JOIN orgs o ON o.id = c.org_id)"
        )
    };
}

macro_rules! transfer_rows {
    () => {
        "(SELECT from_path, to_path, 1 AS delta, status, updated_at FROM transfers)"
    };
}

/// The rows as they stand: each counted where its organisation now is (`orgs.path` by id, so a
/// stale copied path is found, not trusted), with the columns the counters keep on `orgs`
/// counted from their rows.
macro_rules! table_values {
    ($month:ident) => {
        $crate::counters::sql::all_values!(
            $crate::counters::sql::member_rows!("o.path"),
            $crate::counters::sql::org_rows!("o.path"),
            $crate::counters::sql::cadre_rows!("o.path"),
            $crate::counters::sql::transfer_rows!(),
            $month
        )
    };
}

/// What the logs hold.
macro_rules! log_values {
    ($month:ident) => {
        $crate::counters::sql::all_values!(
            // Grouped before the dimensions multiply it: an import's 100,000 log rows share a
            // few thousand combinations of the counted values.
            concat!(
                "(SELECT path, CAST(SUM(delta) AS BIGINT) AS delta, status, sex, birth_year, \
                  ethnicity, education, occupation, political, join_month, dev, faulty, status_since \
                  FROM (SELECT l.path, l.delta, l.status, ",
                $crate::counters::sql::sex_and_birth_year!("l.id_number"),
                ", l.ethnicity, l.education, l.occupation, l.political, l.join_month, l.dev, \
                  l.faulty, l.status_since FROM member_count_log l) x \
                  GROUP BY path, status, sex, birth_year, ethnicity, education, occupation, \
                  political, join_month, dev, faulty, status_since HAVING SUM(delta) <> 0)"
            ),
            "org_count_log",
            "cadre_count_log",
            "transfer_count_log",
            $month
        )
    };
}

pub(crate) use {
    all_values, cadre_rows, cadre_values, left_statuses, log_values, member_rows, member_statuses,
    member_values, numbers_to, org_rows, org_values, pg_month, sex_and_birth_year, sqlite_month,
    table_values, transfer_rows, transfer_values,
};
