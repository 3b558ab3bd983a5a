//! Name and whole-ID search inside a scope (issue 14, migration 0019): the answers of the
//! character index equal a plain scan of the scope's rows for every filter, order and standing,
//! and stay equal as names and states change. (After every test the harness also checks the
//! whole index against the members' rows: `name_search_faults` of `verify-counters`.)

use tuanjian_domain::enums::MembershipStatus;
use tuanjian_domain::leaving::Standing;
use tuanjian_store::members::{MemberFilter, MemberQuery, MemberSort};
use tuanjian_store::orgs::PageRequest;
use tuanjian_store::scope::AdminScope;

use tuanjian_app::member_import::check::Progress;
use tuanjian_app::member_import::columns::Kind;
use tuanjian_app::member_import::run::{Finished, OperatorImport, run_for_operator};
use tuanjian_store::import_jobs::{JobMode, operator_scope};
use tuanjian_store::member_bulk::PENDING_FROM;

use crate::support::TestApp;
use crate::support::import;
use crate::support::members::{World, add, member_json, youth};

both_databases!(
    name_search_equals_a_scan,
    whole_id_number_found_by_index,
    verify_counters_repairs_the_name_index,
    verify_counters_finds_people_left_deferred,
    imported_members_are_found_before_and_after_the_merge,
    merges_at_once_take_each_run_once,
    pending_entries_are_written_after_a_job_and_at_start,
);

/// The ids a plain scan of the scope finds (no index of names), in the Org order.
async fn scanned(app: &TestApp, scope: &AdminScope, part: &str, members_only: bool) -> Vec<i64> {
    let (lo, hi) = scope.range();
    let statuses = if members_only {
        "AND status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', \
         'expelled_pending')"
    } else {
        ""
    };
    let rows: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT person_id, person_name FROM members WHERE org_path >= $1 AND org_path < $2 \
         {statuses} ORDER BY org_path, person_sort, person_id"
    )))
    .bind(lo)
    .bind(hi)
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    rows.into_iter()
        .filter(|(_, name)| name.to_lowercase().contains(&part.to_lowercase()))
        .map(|(id, _)| id)
        .collect()
}

async fn searched(
    app: &TestApp,
    scope: &AdminScope,
    filter: &MemberFilter,
    sort: MemberSort,
) -> (Vec<i64>, i64) {
    let q = MemberQuery::new(scope, filter);
    let page = app
        .store
        .members(&q, sort, PageRequest::new(Some(1), Some(200)))
        .await
        .unwrap();
    let ids: Vec<i64> = page.items.iter().map(|m| m.person_id).collect();
    assert_eq!(
        app.store.member_ids(&q, sort).await.unwrap(),
        ids,
        "the export's ids equal the page's for {filter:?} {sort:?}"
    );
    assert_eq!(app.store.count_members(&q).await.unwrap(), page.total);
    (ids, page.total)
}

/// The county admin's scope.
async fn county_scope(app: &TestApp, t: &World) -> AdminScope {
    app.store
        .admin_scope(t.county_admin.id, t.w.county.id)
        .await
        .unwrap()
        .unwrap()
}

fn by_name(part: &str) -> MemberFilter {
    MemberFilter {
        name: Some(part.into()),
        ..MemberFilter::default()
    }
}

async fn name_search_equals_a_scan(app: TestApp) {
    let t = World::new(&app).await;
    let mut ids = Vec::new();
    for (n, name) in [
        (1, "王芳"),
        (2, "王小芳"),
        (3, "李王"),
        (4, "欧阳娜娜"),
        (5, "芳芳"),
    ] {
        ids.push(add(&t.branch, &t.w.branch, member_json(n, name)).await);
    }
    // Outside the county's scope: never found by it.
    add(&t.other, &t.other_branch, member_json(6, "王芳")).await;
    let scope = county_scope(&app, &t).await;

    for part in [
        "王",
        "芳",
        "王芳",
        "娜",
        "欧阳娜娜",
        "小",
        "张",
        "王张",
        "芳 ",
    ] {
        let expected = scanned(&app, &scope, part.trim(), true).await;
        let (org_order, total) = searched(&app, &scope, &by_name(part), MemberSort::Org).await;
        assert_eq!(org_order, expected, "“{part}” in the Org order");
        assert_eq!(total, expected.len() as i64);
        let (name_order, _) = searched(&app, &scope, &by_name(part), MemberSort::Name).await;
        let mut a = name_order.clone();
        let mut b = expected.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "“{part}” in the Name order finds the same members");
        for sort in [MemberSort::JoinMonthNewest, MemberSort::JoinMonthOldest] {
            let (mut found, _) = searched(&app, &scope, &by_name(part), sort).await;
            found.sort();
            assert_eq!(found, b, "“{part}” {sort:?}");
        }
    }
    assert_eq!(scanned(&app, &scope, "王芳", true).await, vec![ids[0]]);

    // Name and another filter: the member rows are read for the rest.
    let with_id = MemberFilter {
        name: Some("芳".into()),
        id_number: Some(youth(2)[14..].to_string()),
        ..MemberFilter::default()
    };
    assert_eq!(
        searched(&app, &scope, &with_id, MemberSort::Org).await.0,
        vec![ids[1]]
    );

    // A rename and a member who left: the index follows in the same transaction.
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("UPDATE people SET name = '王芳芳' WHERE id = $1")
        .bind(ids[2])
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE members SET status = 'withdrawn' WHERE person_id = $1")
        .bind(ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for part in ["芳芳", "李", "王"] {
        let expected = scanned(&app, &scope, part, true).await;
        assert_eq!(
            searched(&app, &scope, &by_name(part), MemberSort::Org)
                .await
                .0,
            expected,
            "“{part}” after the rename"
        );
    }
    assert!(scanned(&app, &scope, "李", true).await.is_empty());
    let left = MemberFilter {
        name: Some("王芳".into()),
        standing: Standing::Left,
        ..MemberFilter::default()
    };
    assert_eq!(
        searched(&app, &scope, &left, MemberSort::Org).await.0,
        vec![ids[0]]
    );
    let withdrawn = MemberFilter {
        standing: Standing::Exactly(MembershipStatus::Withdrawn),
        ..by_name("王")
    };
    assert_eq!(
        searched(&app, &scope, &withdrawn, MemberSort::Name).await.0,
        vec![ids[0]]
    );
    let everyone = MemberFilter {
        standing: Standing::All,
        ..by_name("王")
    };
    assert_eq!(
        searched(&app, &scope, &everyone, MemberSort::Org).await.0,
        scanned(&app, &scope, "王", false).await
    );

    // The page over HTTP: the same member, the total without 超过.
    let (_, body) = t
        .county
        .get(&format!(
            "/api/v1/orgs/{}/members?name=%E5%A8%9C",
            t.w.county.id
        ))
        .await;
    assert_eq!(body["total"], 1, "{body}");
    assert_eq!(body["total_is_lower_bound"], false, "{body}");
    assert_eq!(body["items"][0]["name"], "欧阳娜娜", "{body}");
}

async fn whole_id_number_found_by_index(app: TestApp) {
    let t = World::new(&app).await;
    let id = add(&t.branch, &t.w.branch, member_json(1, "赵整号")).await;
    add(&t.branch, &t.w.branch, member_json(2, "钱整号")).await;
    let outside = add(&t.other, &t.other_branch, member_json(3, "孙整号")).await;
    let scope = county_scope(&app, &t).await;
    let whole = |n: u32, name: Option<&str>| MemberFilter {
        id_number: Some(format!(" {} ", youth(n).to_lowercase())),
        name: name.map(str::to_string),
        ..MemberFilter::default()
    };
    assert_eq!(
        searched(&app, &scope, &whole(1, None), MemberSort::Org).await,
        (vec![id], 1)
    );
    assert_eq!(
        searched(&app, &scope, &whole(1, Some("赵")), MemberSort::Name).await,
        (vec![id], 1)
    );
    assert_eq!(
        searched(&app, &scope, &whole(1, Some("钱")), MemberSort::Org).await,
        (vec![], 0),
        "the other filters still apply"
    );
    assert_eq!(
        searched(&app, &scope, &whole(3, None), MemberSort::Org).await,
        (vec![], 0),
        "a member outside the scope is not found by their number"
    );
    let _ = outside;
}

async fn verify_counters_repairs_the_name_index(app: TestApp) {
    let t = World::new(&app).await;
    add(&t.branch, &t.w.branch, member_json(1, "赵检索")).await;
    let report = app.store.verify_counters(false).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    sqlx::query("DELETE FROM member_name_chars WHERE ch = '检'")
        .execute(app.store.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, status) \
         SELECT ch, org_path, person_sort, person_id, person_name, status FROM member_name_chars \
         WHERE ch = '赵'",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    let report = app.store.verify_counters(false).await.unwrap();
    assert_eq!(report.name_search_faults, 2, "{report:?}");
    assert!(!report.is_clean());
    let repaired = app.store.verify_counters(true).await.unwrap();
    assert!(repaired.repaired);
    let report = app.store.verify_counters(false).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    let scope = county_scope(&app, &t).await;
    assert_eq!(
        searched(&app, &scope, &by_name("检"), MemberSort::Org)
            .await
            .1,
        1
    );
}

/// A run of people left in `name_chars_deferred` (only a bulk write's own transaction lists
/// them) would make the insert trigger skip those people's entries for good: the check counts
/// it and the repair empties it and writes the entries.
async fn verify_counters_finds_people_left_deferred(app: TestApp) {
    let t = World::new(&app).await;
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("INSERT INTO name_chars_deferred (lo, hi) VALUES (1, 1000000)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    add(&t.branch, &t.w.branch, member_json(1, "赵漏记")).await;
    let scope = county_scope(&app, &t).await;
    assert_eq!(
        searched(&app, &scope, &by_name("漏"), MemberSort::Org)
            .await
            .1,
        0,
        "the trigger skipped the listed person"
    );
    let report = app.store.verify_counters(false).await.unwrap();
    // The leftover run and the new member's three missing entries.
    assert_eq!(report.name_search_faults, 4, "{report:?}");
    let repaired = app.store.verify_counters(true).await.unwrap();
    assert!(repaired.repaired);
    let report = app.store.verify_counters(false).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(
        searched(&app, &scope, &by_name("漏"), MemberSort::Org)
            .await
            .1,
        1
    );
}

/// The school's import of `rows` run as the command line runs it, without the command line's
/// merge afterwards: the name search entries of its chunks of `PENDING_FROM` rows or more are
/// left pending (migration 0030).
async fn import_leaving_entries_pending(app: &TestApp, s: &import::Setup, rows: &[Vec<String>]) {
    let finished = import_rows(app, s, rows).await;
    assert!(
        matches!(
            finished,
            Finished::Checked {
                written: Some(_),
                ..
            }
        ),
        "the import wrote its rows"
    );
}

async fn import_rows(app: &TestApp, s: &import::Setup, rows: &[Vec<String>]) -> Finished {
    run_for_operator(
        &app.store,
        OperatorImport {
            org: s.w.school.clone(),
            kind: Kind::Members,
            file_name: "名单.xlsx",
            bytes: import::members_file(rows),
            mode: JobMode::Commit,
            valid_only: false,
        },
        Progress::silent(),
    )
    .await
    .unwrap()
}

/// Rows enough for chunks of `PENDING_FROM` (a fifth of the file each; the first chunk, a fifth
/// of that, still writes its entries at once).
const ROWS: u32 = 5 * PENDING_FROM as u32;

fn school_rows(from: u32, to: u32) -> Vec<Vec<String>> {
    (from..to)
        .map(|i| {
            let branch = if i % 2 == 0 {
                import::BRANCH1
            } else {
                import::BRANCH2
            };
            import::member_row(i, branch)
        })
        .collect()
}

async fn pending(app: &TestApp) -> i64 {
    import::count(app, "name_chars_pending").await
}

/// Members without a single name search entry, by id.
async fn unindexed(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT m.person_id FROM members m WHERE NOT EXISTS (SELECT 1 FROM member_name_chars g \
         WHERE g.person_id = m.person_id) ORDER BY m.person_id",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap()
}

/// Every search of `parts` in `scope` finds what a scan of the members finds (fewer than a
/// page of 200 each), in order.
async fn searches_equal_scans(app: &TestApp, scope: &AdminScope, parts: &[&str], when: &str) {
    for part in parts {
        let expected = scanned(app, scope, part, true).await;
        assert!(expected.len() < 200, "“{part}” fits a page");
        for sort in [MemberSort::Org, MemberSort::Name] {
            let (mut found, total) = searched(app, scope, &by_name(part), sort).await;
            assert_eq!(total, expected.len() as i64, "“{part}” {sort:?} {when}");
            if sort == MemberSort::Name {
                found.sort();
                let mut e = expected.clone();
                e.sort();
                assert_eq!(found, e, "“{part}” {sort:?} {when}");
            } else {
                assert_eq!(found, expected, "“{part}” {sort:?} {when}");
            }
        }
    }
}

/// An import's entries are written after its commit: meanwhile a search over a scope holding
/// its members reads the members themselves, and edits made before the merge (a rename, a
/// member who left, one deleted) are what the merge leaves in the index, once each.
async fn imported_members_are_found_before_and_after_the_merge(app: TestApp) {
    let s = import::setup(&app).await;
    import_leaving_entries_pending(&app, &s, &school_rows(0, ROWS)).await;
    assert!(pending(&app).await > 0, "entries left for after the commit");
    let waiting = unindexed(&app).await;
    assert!(
        waiting.len() >= 4 * PENDING_FROM,
        "the large chunks' members have no entries yet: {}",
        waiting.len()
    );
    assert!(
        waiting.len() < ROWS as usize,
        "the first chunk's are written at once"
    );
    let school = operator_scope(&app.store, s.w.school.id).await.unwrap();
    let county = operator_scope(&app.store, s.w.county.id).await.unwrap();
    // The first chunk's members and the later chunks'.
    let parts = ["员12", "员9999", "员777", "员38"];
    for scope in [&school, &county] {
        assert_eq!(
            scanned(&app, scope, "团员", true).await.len(),
            ROWS as usize
        );
        searches_equal_scans(&app, scope, &parts, "before the merge").await;
    }

    let ids = &waiting[..3];
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("UPDATE people SET name = '王新名' WHERE id = $1")
        .bind(ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE members SET status = 'withdrawn' WHERE person_id = $1")
        .bind(ids[1])
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("DELETE FROM members WHERE person_id = $1")
        .bind(ids[2])
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The check leaves pending members out: their entries are partly written.
    let report = app.store.verify_counters(false).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    searches_equal_scans(&app, &school, &["王新", "员12"], "after the edits").await;

    assert!(app.store.merge_pending_name_chars().await.unwrap() >= 1);
    assert_eq!(pending(&app).await, 0);
    assert!(unindexed(&app).await.is_empty());
    assert_eq!(app.store.merge_pending_name_chars().await.unwrap(), 0);
    let report = app.store.verify_counters(false).await.unwrap();
    assert!(
        report.is_clean(),
        "every entry once, as the members are now: {report:?}"
    );
    for scope in [&school, &county] {
        searches_equal_scans(&app, scope, &parts, "after the merge").await;
        searches_equal_scans(&app, scope, &["王新名", "新"], "after the merge").await;
    }
    assert_eq!(
        searched(&app, &school, &by_name("新名"), MemberSort::Org).await,
        (vec![ids[0]], 1)
    );
    let left = MemberFilter {
        standing: Standing::Left,
        ..by_name("团员")
    };
    assert_eq!(
        searched(&app, &school, &left, MemberSort::Org).await,
        (vec![ids[1]], 1)
    );
}

/// Two servers merging at once (here two calls): each run is merged by one of them, and no
/// entry is written twice.
async fn merges_at_once_take_each_run_once(app: TestApp) {
    let s = import::setup(&app).await;
    import_leaving_entries_pending(&app, &s, &school_rows(0, ROWS)).await;
    import_leaving_entries_pending(&app, &s, &school_rows(ROWS, 2 * ROWS)).await;
    let runs = pending(&app).await;
    assert!(runs >= 2, "{runs}");
    let (a, b) = tokio::join!(
        app.store.merge_pending_name_chars(),
        app.store.merge_pending_name_chars()
    );
    assert_eq!(a.unwrap() + b.unwrap(), runs as u64);
    assert_eq!(pending(&app).await, 0);
    assert!(unindexed(&app).await.is_empty());
    let report = app.store.verify_counters(false).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    let school = operator_scope(&app.store, s.w.school.id).await.unwrap();
    searches_equal_scans(
        &app,
        &school,
        &["员1577", "员9999", "员1777"],
        "after both merges",
    )
    .await;
}

/// A commit that a late fault stops leaves nothing pending; an upload's job writes the entries
/// once it has committed; a process stopped before that leaves them to the next start
/// (`jobs::recover`). A small import writes them at once.
async fn pending_entries_are_written_after_a_job_and_at_start(app: TestApp) {
    let s = import::setup(&app).await;
    // A fault in the last chunk, after four chunks listed their runs as pending: all rolled back.
    let mut faulty = school_rows(0, ROWS);
    let dev = Kind::Members
        .fields()
        .iter()
        .position(|f| *f == tuanjian_domain::MemberField::DevNumber)
        .unwrap();
    faulty[ROWS as usize - 2][dev] = faulty[10][dev].clone();
    let finished = import_rows(&app, &s, &faulty).await;
    assert!(
        matches!(finished, Finished::Checked { written: None, .. }),
        "nothing written"
    );
    assert_eq!(import::count(&app, "members").await, 0);
    assert_eq!(
        pending(&app).await,
        0,
        "the pending runs rolled back with the rows"
    );

    import_leaving_entries_pending(&app, &s, &school_rows(0, ROWS)).await;
    assert!(pending(&app).await > 0);
    tuanjian_app::member_import::jobs::recover(&app.store)
        .await
        .unwrap();
    assert_eq!(pending(&app).await, 0, "written at start");
    assert!(unindexed(&app).await.is_empty());

    import_leaving_entries_pending(&app, &s, &school_rows(ROWS, ROWS + 300)).await;
    assert_eq!(pending(&app).await, 0, "300 rows: written in the import");
    assert!(unindexed(&app).await.is_empty());

    let bytes = import::members_file(&school_rows(ROWS + 300, 2 * ROWS + 300));
    let checked = import::check(&app, &s, s.w.school.id, "members", &bytes).await;
    let job = checked["job"]["id"].as_i64().unwrap();
    let done = import::commit(&app, &s, s.w.school.id, job, false).await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    // The job writes them after its commit, which the page already shows.
    let started = std::time::Instant::now();
    while pending(&app).await > 0 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "entries still pending two minutes after the job"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(unindexed(&app).await.is_empty());
    let report = app.store.verify_counters(false).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    let school = operator_scope(&app.store, s.w.school.id).await.unwrap();
    searches_equal_scans(&app, &school, &["员102", "员1999"], "after the job").await;
}
