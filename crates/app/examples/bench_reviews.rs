//! Issue 15's benchmark for 两制, through the use cases the pages and the API call
//! (`tuanjian_app::reviews`), permission checks, transactions and audit records included.
//!
//! `cargo run --release -p tuanjian-app --example bench_reviews -- DATABASE [options]`
//! where DATABASE is a `sqlite://` file or a `postgres://` URL. An empty database first gets the
//! demo set (`tuanjian demo --members N`). Then:
//!
//! - a branch of the demo set with about 50 members (the closest to 50, at least 50): its
//!   admin records every member's grade in one request and submits the round (timed together;
//!   the round is removed between repetitions, untimed);
//! - a new 团委 with 1,000 branches directly under it, three in four of them with a round of
//!   the year in some state: its admin's progress view (`progress`), and the same view of the
//!   largest province (every branch of it: no floor, for the record).
//!
//! Options: `--members N` (1000000), `--seed N` (1), `--no-header`.

#[path = "../../demo/examples/support/mod.rs"]
mod support;

use std::net::IpAddr;
use std::time::Instant;

use anyhow::Context;
use chrono::Datelike;
use tuanjian_app::reviews::{progress, round};
use tuanjian_app::{App, Config, Signed};
use tuanjian_demo::DemoOptions;
use tuanjian_domain::{OrgClass, OrgKind, OrgLevel};
use tuanjian_store::Store;
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::orgs::{NewOrg, Org};
use tuanjian_store::roles::RoleKind;
use tuanjian_store::sessions::Session;

use support::{Sample, thousands, time};

const BRANCHES: usize = 1_000;

fn fault(f: tuanjian_app::Fault) -> anyhow::Error {
    anyhow::anyhow!("{}: {}", f.code.as_str(), f.message)
}

/// A session acting as an admin of `org` for `person` (as the adapters build it), the person
/// made admin there first.
async fn admin_of(store: &Store, person_id: i64, org: &Org) -> anyhow::Result<Signed> {
    let mut tx = store.begin().await?;
    let _ =
        tuanjian_store::roles::insert_admin(&mut tx, &Default::default(), org.id, person_id).await;
    tx.commit().await?;
    Ok(Signed {
        session: Session {
            token_hash: String::new(),
            person_id,
            csrf_token: String::new(),
            role: Some((RoleKind::Admin, org.id)),
            last_seen_at: 0,
        },
        person: store.person(person_id).await?,
        addr: IpAddr::from([127, 0, 0, 1]),
        admin_scope: Some(
            store
                .admin_scope(person_id, org.id)
                .await?
                .context("not an admin there")?,
        ),
        inbox_count: None,
    })
}

/// The new 团委 with `BRANCHES` branches, made once (a second run finds it).
async fn big_committee(store: &Store, under: &Org) -> anyhow::Result<Org> {
    let name = "基准测试大学团委（评议进度）";
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE full_name = $1")
        .bind(name)
        .fetch_optional(store.pool())
        .await?;
    if let Some(id) = existing {
        return Ok(store.org(id).await?);
    }
    let actor = Default::default();
    let mut tx = store.begin().await?;
    let (committee, _) = tuanjian_store::org_create::create_child(
        &mut tx,
        &actor,
        under,
        &NewOrg {
            class: OrgClass {
                level: OrgLevel::Grassroots,
                kind: OrgKind::Committee,
            },
            short_name: "基准测试大学团委",
            full_name: name,
            xinjiang: false,
        },
    )
    .await?;
    let names: Vec<(String, String)> = (1..=BRANCHES)
        .map(|i| (format!("{i}班团支部"), format!("基准测试大学{i}班团支部")))
        .collect();
    let new: Vec<NewOrg> = names
        .iter()
        .map(|(s, f)| NewOrg {
            class: OrgClass {
                level: OrgLevel::Grassroots,
                kind: OrgKind::Branch,
            },
            short_name: s,
            full_name: f,
            xinjiang: false,
        })
        .collect();
    let made = tuanjian_store::org_create::create_children(&mut tx, &actor, &committee, &new)
        .await
        .map_err(|(i, e)| anyhow::anyhow!("branch {i}: {e}"))?;
    tx.commit().await?;
    // Three in four branches have a round of the year, in each state in turn.
    let year = i64::from(beijing_today().year());
    let mut tx = store.begin().await?;
    for (i, (branch, _)) in made.iter().enumerate() {
        let status = match i % 4 {
            0 => continue,
            1 => "recording",
            2 => "submitted",
            _ => "certified",
        };
        sqlx::query(
            "INSERT INTO review_rounds (org_id, year, status, graded, members, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, 30, 30, $4, 0, 0)",
        )
        .bind(branch.id)
        .bind(year)
        .bind(status)
        .bind(sqlx::query_scalar::<_, i64>("SELECT MIN(id) FROM people").fetch_one(&mut *tx).await?)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // What autovacuum does within a minute of so many new rows: without it PostgreSQL plans
    // the progress read as if the table were still empty.
    sqlx::query("ANALYZE review_rounds")
        .execute(store.pool())
        .await?;
    sqlx::query("ANALYZE orgs").execute(store.pool()).await?;
    Ok(committee)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = support::Args::parse("bench_reviews", &[("members", 1_000_000), ("seed", 1)])?;
    let (store, table, admin, _) = support::open_demo(
        &args.url,
        "issue 15",
        args.header,
        DemoOptions {
            members: args.number("members"),
            seed: args.number("seed"),
            orgs: None,
        },
    )
    .await?;
    let app = App::new(store.clone(), Config::default());
    let year = beijing_today().year().to_string();

    // The branch closest to 50 members (at least 50).
    let (branch_id, size): (i64, i64) = sqlx::query_as(
        "SELECT org_id, COUNT(*) FROM members WHERE status = 'normal' GROUP BY org_id \
         HAVING COUNT(*) >= 50 ORDER BY COUNT(*), org_id LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .context("no branch of 50 members")?;
    let branch = store.org(branch_id).await?;
    let own = admin_of(&store, admin.id, &branch).await?;
    let members = store.review_members(branch.id, None).await?;
    let inputs: Vec<round::GradeInput> = members
        .iter()
        .enumerate()
        .map(|(i, m)| round::GradeInput {
            person_id: m.person_id,
            grade: ["excellent", "qualified", "qualified", "basic"][i % 4].into(),
            choice: String::new(),
            reason: String::new(),
        })
        .collect();
    table.note(&format!(
        "{} members in the set; the branch graded: {} ({size} members)",
        thousands(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM members")
                .fetch_one(store.pool())
                .await? as u64
        ),
        branch.full_name
    ));
    let mut samples = Vec::new();
    for rep in 0..25 {
        sqlx::query("DELETE FROM review_grades WHERE round_id IN (SELECT id FROM review_rounds WHERE org_id = $1)")
            .bind(branch.id)
            .execute(store.pool())
            .await?;
        sqlx::query("DELETE FROM review_rounds WHERE org_id = $1")
            .bind(branch.id)
            .execute(store.pool())
            .await?;
        let began = Instant::now();
        round::save(&app, &own, branch.id, &year, &inputs)
            .await
            .map_err(fault)?;
        round::submit(&app, &own, branch.id, &year)
            .await
            .map_err(fault)?;
        if rep >= 5 {
            samples.push(began.elapsed());
        }
    }
    table.row(
        &format!("record the grades of a {size}-member branch in one request and submit"),
        200.0,
        &Sample(samples),
    );

    let committee = big_committee(
        &store,
        &store.org(branch.parent_id.context("root branch")?).await?,
    )
    .await?;
    let committee_admin = admin_of(&store, admin.id, &committee).await?;
    let s = time(10, 200, || {
        let (app, user) = (&app, &committee_admin);
        async move {
            let p = progress::progress(app, user, committee.id, None, false)
                .await
                .map_err(fault)?;
            anyhow::ensure!(
                p.children.len() == BRANCHES,
                "{} children",
                p.children.len()
            );
            anyhow::Ok(())
        }
    })
    .await?;
    table.row(
        &format!("progress view of a 团委 over {BRANCHES} child branches"),
        50.0,
        &s,
    );
    let largest: i64 = sqlx::query_scalar(
        "SELECT o.province_id FROM members m JOIN orgs o ON o.id = m.org_id \
         GROUP BY o.province_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(store.pool())
    .await?;
    let province = store.org(largest).await?;
    let province_admin = admin_of(&store, admin.id, &province).await?;
    let s = time(2, 20, || {
        let (app, user) = (&app, &province_admin);
        async move {
            progress::progress(app, user, province.id, None, false)
                .await
                .map_err(fault)?;
            anyhow::Ok(())
        }
    })
    .await?;
    table.row(
        &format!(
            "progress view of {} (every branch of the province; no floor)",
            province.full_name
        ),
        f64::INFINITY,
        &s,
    );
    Ok(())
}
