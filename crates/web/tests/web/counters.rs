//! The statistics counters (issue 14, migration 0015): what they count for members entered
//! through the app, that a change to a person moves them, and `tuanjian verify-counters`
//! finding and repairing counters that differ from the rows. (After every test of the suite
//! the harness also checks every counter against the rows: `support::counters_report`.)

use std::process::Command;

use tuanjian_store::counters::{Dim, SubtreeCounts};

use crate::support::TestApp;
use crate::support::members::{World, add, member_json};

both_databases!(
    counters_count_what_the_rows_hold,
    verify_counters_finds_and_repairs,
    verify_counters_finds_every_kind_of_difference
);

async fn counts(app: &TestApp, org_id: i64) -> SubtreeCounts {
    let stored = app.store.subtree_counts(org_id).await.unwrap();
    assert_eq!(
        stored,
        app.store.recount_subtree(org_id).await.unwrap(),
        "counters of org {org_id} equal its rows"
    );
    stored
}

async fn counters_count_what_the_rows_hold(app: TestApp) {
    let t = World::new(&app).await;
    let before = counts(&app, t.w.branch.id).await;
    assert_eq!(before.get(Dim::BranchSize, "lt3"), 1, "an empty branch");
    assert_eq!(before.get(Dim::Orgs, ""), 1);
    assert_eq!(before.get(Dim::OrgKind, "01TZB"), 1);
    assert_eq!(
        before.get(Dim::NoAdmin, "01TZB"),
        0,
        "the branch has an admin"
    );
    // Numbers 1 and 3 end in an odd 17th digit (male), 2 in an even one (female).
    let mut ids = Vec::new();
    for (n, name) in [(1, "赵一"), (2, "钱二"), (3, "孙三")] {
        ids.push(add(&t.branch, &t.w.branch, member_json(n, name)).await);
    }
    let branch = counts(&app, t.w.branch.id).await;
    assert_eq!(branch.get(Dim::Members, ""), 3);
    assert_eq!(branch.get(Dim::Sex, "m"), 2);
    assert_eq!(branch.get(Dim::Sex, "f"), 1);
    assert_eq!(branch.get(Dim::BirthYear, "2008"), 3);
    assert_eq!(branch.get(Dim::Ethnicity, "01"), 3);
    assert_eq!(branch.get(Dim::JoinYear, "2022"), 3);
    assert_eq!(branch.get(Dim::JoinMonth, "2022-05"), 3);
    assert_eq!(branch.get(Dim::DevNumber, "1"), 3);
    assert_eq!(branch.get(Dim::Status, "normal"), 3);
    assert_eq!(
        branch.get(Dim::BranchSize, "mid"),
        1,
        "3 members: no longer small"
    );
    assert_eq!(branch.get(Dim::BranchSize, "lt3"), 0);
    for org in [&t.w.school, &t.w.county, &t.w.province, &app.root] {
        assert_eq!(counts(&app, org.id).await.get(Dim::Members, ""), 3);
    }
    let other = counts(&app, t.w.sibling.id).await;
    assert_eq!(
        other.get(Dim::Members, ""),
        0,
        "a sibling's subtree holds none"
    );

    // A person's fields change in a transaction: the counters follow at its commit.
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("UPDATE people SET ethnicity = '02' WHERE id = $1")
        .bind(ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE members SET status = 'withdrawn' WHERE person_id = $1")
        .bind(ids[1])
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let root = counts(&app, app.root.id).await;
    assert_eq!(root.get(Dim::Ethnicity, "01"), 1);
    assert_eq!(root.get(Dim::Ethnicity, "02"), 1);
    assert_eq!(
        root.get(Dim::Members, ""),
        2,
        "a leaver is no longer counted"
    );
    assert_eq!(root.get(Dim::Status, "withdrawn"), 1);
    assert_eq!(root.total(Dim::LeftMonth), 1, "left this month");
    let branch = counts(&app, t.w.branch.id).await;
    assert_eq!(branch.get(Dim::BranchSize, "lt3"), 1, "2 members again");

    // A rolled back change leaves nothing behind.
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("UPDATE people SET ethnicity = '03' WHERE id = $1")
        .bind(ids[2])
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(counts(&app, app.root.id).await.get(Dim::Ethnicity, "03"), 0);
}

fn verify(url: &str, repair: bool) -> (i32, String) {
    let mut args = vec!["verify-counters", "--database-url", url];
    if repair {
        args.push("--repair");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_tuanjian"))
        .args(&args)
        .env_remove("TUANJIAN_DATABASE_URL")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

async fn verify_counters_finds_and_repairs(app: TestApp) {
    let t = World::new(&app).await;
    add(&t.branch, &t.w.branch, member_json(1, "赵一")).await;
    let (code, out) = verify(&app.db.url, false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("统计计数与数据一致"), "{out}");

    // Counters and a copied column broken behind the store's back.
    for sql in [
        "UPDATE org_counts SET n = n + 5 WHERE dim = 'members'",
        "DELETE FROM org_counts WHERE dim = 'sex'",
        "UPDATE orgs SET admin_count = admin_count + 7",
    ] {
        sqlx::query(sql).execute(app.store.pool()).await.unwrap();
    }
    // The admin-count change logged rows of its own, folded by the next transaction only.
    app.store.fold_pending_counters().await.unwrap();
    let (code, out) = verify(&app.db.url, false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("项统计计数与数据不一致"), "{out}");
    assert!(
        out.contains("的 members=\"\"：计数 6，按数据应为 1"),
        "{out}"
    );
    assert!(out.contains("处统计所依据的字段"), "{out}");
    assert!(out.contains("--repair"), "{out}");

    let (code, out) = verify(&app.db.url, true);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("已按数据重建不一致的统计计数"), "{out}");
    let (code, out) = verify(&app.db.url, false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("统计计数与数据一致"), "{out}");
    let root = app.store.subtree_counts(app.root.id).await.unwrap();
    assert_eq!(root.get(Dim::Members, ""), 1);
    assert_eq!(root.get(Dim::Sex, "m"), 1);
}

both_databases!(list_totals_from_counters_and_capped_counts);

/// The member list's total: from the counters when only the standing filters apply (equal to a
/// full count for each standing), counted up to the cap and flagged past it otherwise.
async fn list_totals_from_counters_and_capped_counts(app: TestApp) {
    use tuanjian_domain::enums::MembershipStatus;
    use tuanjian_domain::leaving::Standing;
    use tuanjian_store::members::{MemberFilter, MemberQuery};

    let t = World::new(&app).await;
    let mut ids = Vec::new();
    for (n, name) in [(1, "赵合计"), (2, "钱合计"), (3, "孙合计"), (4, "李合计")] {
        ids.push(add(&t.branch, &t.w.branch, member_json(n, name)).await);
    }
    // Written as the store writes: in a transaction, whose commit folds the counters.
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("UPDATE members SET status = 'withdrawn' WHERE person_id = $1")
        .bind(ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let scope = app
        .store
        .admin_scope(t.county_admin.id, t.w.county.id)
        .await
        .unwrap()
        .unwrap();
    for standing in [
        Standing::Members,
        Standing::Left,
        Standing::All,
        Standing::Exactly(MembershipStatus::Withdrawn),
        Standing::Exactly(MembershipStatus::Normal),
    ] {
        let filter = MemberFilter {
            standing,
            ..MemberFilter::default()
        };
        for q in [
            MemberQuery::new(&scope, &filter),
            MemberQuery::within(&scope, &t.w.school, &filter).unwrap(),
        ] {
            let counted = app.store.count_members(&q).await.unwrap();
            assert_eq!(
                app.store.member_total(&q).await.unwrap(),
                (counted, false),
                "{standing:?}"
            );
        }
    }
    let by_name = MemberFilter {
        name: Some("合计".into()),
        ..MemberFilter::default()
    };
    let q = MemberQuery::new(&scope, &by_name);
    assert_eq!(app.store.member_total(&q).await.unwrap(), (3, false));
    let capped = MemberQuery::new(&scope, &by_name).with_count_cap(2);
    assert_eq!(app.store.member_total(&capped).await.unwrap(), (2, true));
    let exact_at_cap = MemberQuery::new(&scope, &by_name).with_count_cap(3);
    assert_eq!(
        app.store.member_total(&exact_at_cap).await.unwrap(),
        (3, false)
    );
}

/// A difference as the report lists it: organisation, dimension, value, stored, counted.
type Difference<'a> = (i64, &'a str, &'a str, i64, i64);

/// The differences the check's weighed sums must not miss, each alone on a clean set: the
/// report lists exactly the counters that differ (the organisation's own and, where its
/// counter adds to its parent's, the parent's).
async fn verify_counters_finds_every_kind_of_difference(app: TestApp) {
    let t = World::new(&app).await;
    add(&t.branch, &t.w.branch, member_json(1, "赵一")).await;
    add(&t.branch, &t.w.branch, member_json(2, "钱二")).await;
    let (branch, parent) = (t.w.branch.id, t.w.branch.parent_id.unwrap());
    let clean = app.store.verify_counters(false).await.unwrap();
    assert!(clean.is_clean(), "{clean:?}");
    let sex = app.store.subtree_counts(branch).await.unwrap();
    let (m, f) = (sex.get(Dim::Sex, "m"), sex.get(Dim::Sex, "f"));
    assert!(m > 0 && f > 0, "a man and a woman in the branch: {m} / {f}");
    let cases: [(&str, Vec<Difference>); 5] = [
        // One counter one too high.
        (
            "UPDATE org_counts SET n = n + 1 WHERE dim = 'members' AND org_id = $1",
            vec![(branch, "members", "", 3, 2)],
        ),
        // Two counters of one organisation wrong by amounts that cancel in a plain sum.
        (
            "UPDATE org_counts SET n = n + CASE val WHEN 'm' THEN 1 ELSE -1 END \
             WHERE dim = 'sex' AND org_id = $1 AND val IN ('m', 'f')",
            vec![
                (branch, "sex", "f", f - 1, f),
                (branch, "sex", "m", m + 1, m),
            ],
        ),
        // A value no root counts, at one organisation only: its parent's counter misses it.
        (
            "INSERT INTO org_counts (org_id, dim, val, n) VALUES ($1, 'ethnicity', '99', 3)",
            vec![(branch, "ethnicity", "99", 3, 0)],
        ),
        // A counter of zero for a value nowhere else: no difference.
        (
            "INSERT INTO org_counts (org_id, dim, val, n) VALUES ($1, 'ethnicity', '98', 0)",
            vec![],
        ),
        // A counter missing.
        (
            "DELETE FROM org_counts WHERE dim = 'members' AND org_id = $1",
            vec![(branch, "members", "", 0, 2)],
        ),
    ];
    let parent_counts = app.store.subtree_counts(parent).await.unwrap();
    for (sql, expected) in cases {
        sqlx::query(sql)
            .bind(branch)
            .execute(app.store.pool())
            .await
            .unwrap();
        let report = app.store.verify_counters(false).await.unwrap();
        let found: Vec<_> = report
            .differences
            .iter()
            .map(|d| {
                (
                    d.org_id,
                    d.dim.as_str(),
                    d.val.as_str(),
                    d.stored,
                    d.counted,
                )
            })
            .collect();
        // The parent's counter then differs from its children's sum by as much.
        let mut want = expected.clone();
        for &(_, dim, val, stored, counted) in &expected {
            let n = parent_counts.get(Dim::parse(dim).unwrap(), val);
            want.push((parent, dim, val, n, n + stored - counted));
        }
        want.sort();
        assert_eq!(found, want, "{sql}");
        assert_eq!(report.difference_count, want.len(), "{sql}");
        let (code, out) = verify(&app.db.url, true);
        assert_eq!(code, 0, "{out}");
        assert!(app.store.verify_counters(false).await.unwrap().is_clean());
    }
}
