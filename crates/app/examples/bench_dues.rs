//! Issue 16's benchmark for 团费, through the use cases the pages and the API call
//! (`tuanjian_app::dues`), permission checks, transactions and audit records included.
//!
//! `cargo run --release -p tuanjian-app --example bench_dues -- DATABASE [options]`
//! where DATABASE is a `sqlite://` file or a `postgres://` URL. An empty database first gets the
//! demo set (`tuanjian demo --members N`). Then every member of the country gets the last
//! twelve months of dues recorded (one in twenty stopped paying seven months ago: the 自行脱团
//! candidates), with the branches' sums and the members' standing as the store keeps them, and:
//!
//! - a branch of the province with about 50 members: its admin records this month for every
//!   member in one request (the month's rows removed between repetitions, untimed);
//! - the province's admin reads its arrears list and its yearly totals (by month and by
//!   direct child); 团中央's admin the same over the whole country (no floor, for the record).
//!
//! Options: `--members N` (1000000), `--seed N` (1), `--no-header`.

#[path = "../../demo/examples/support/mod.rs"]
mod support;

use std::net::IpAddr;
use std::time::Instant;

use anyhow::Context;
use tuanjian_app::dues::{as_of, current_month, record, reports};
use tuanjian_app::{App, Config, Signed};
use tuanjian_demo::DemoOptions;
use tuanjian_domain::dues::LAPSE_AFTER_UNPAID_MONTHS;
use tuanjian_store::Store;
use tuanjian_store::orgs::Org;
use tuanjian_store::roles::RoleKind;
use tuanjian_store::sessions::Session;

use support::{Sample, thousands, time};

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

/// Twelve months of dues for every member (made once: a second run finds them): 3 元 due,
/// paid in full, except one member in twenty who stopped seven months ago.
/// The sums and standings are computed from the rows as the store's writes compute them.
async fn seed_dues(store: &Store, recorder: i64) -> anyhow::Result<i64> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dues_payments")
        .fetch_one(store.pool())
        .await?;
    if existing > 0 {
        return Ok(existing);
    }
    let last = as_of().index();
    let stopped_after = last - 7;
    for month in last - 11..=last {
        sqlx::query(
            "INSERT INTO dues_payments (person_id, month, org_id, due, paid, recorded_by, recorded_at, paid_at) \
             SELECT m.person_id, $1, m.org_id, 300, \
                    CASE WHEN m.person_id % 20 = 0 AND $1 > $2 THEN 0 ELSE 300 END, $3, 0, 0 \
             FROM members m WHERE m.status = 'normal'",
        )
        .bind(month)
        .bind(stopped_after)
        .bind(recorder)
        .execute(store.pool())
        .await?;
    }
    sqlx::query(
        "INSERT INTO dues_totals (org_id, org_path, month, members, due, paid, unpaid_members) \
         SELECT d.org_id, o.path, d.month, COUNT(*), SUM(d.due), SUM(d.paid), \
                SUM(CASE WHEN d.paid < d.due THEN 1 ELSE 0 END) \
         FROM dues_payments d JOIN orgs o ON o.id = d.org_id GROUP BY d.org_id, o.path, d.month",
    )
    .execute(store.pool())
    .await?;
    sqlx::query(
        "INSERT INTO dues_standing (person_id, org_path, lapse) \
         SELECT d.person_id, m.org_path, \
                COALESCE(MAX(CASE WHEN d.paid >= d.due THEN d.month END), MIN(d.month) - 1) + $1 \
         FROM dues_payments d JOIN members m ON m.person_id = d.person_id \
         GROUP BY d.person_id, m.org_path",
    )
    .bind(i64::from(LAPSE_AFTER_UNPAID_MONTHS))
    .execute(store.pool())
    .await?;
    // What autovacuum does within a minute of so many new rows.
    for t in [
        "ANALYZE dues_payments",
        "ANALYZE dues_totals",
        "ANALYZE dues_standing",
    ] {
        sqlx::query(t).execute(store.pool()).await?;
    }
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM dues_payments")
        .fetch_one(store.pool())
        .await?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = support::Args::parse("bench_dues", &[("members", 1_000_000), ("seed", 1)])?;
    let (store, table, admin, _) = support::open_demo(
        &args.url,
        "issue 16",
        args.header,
        DemoOptions {
            members: args.number("members"),
            seed: args.number("seed"),
            orgs: None,
        },
    )
    .await?;
    let app = App::new(store.clone(), Config::default());

    let (largest, province_members): (i64, i64) = sqlx::query_as(
        "SELECT o.province_id, COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id \
         GROUP BY o.province_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(store.pool())
    .await?;
    let province = store.org(largest).await?;
    let rows = seed_dues(&store, admin.id).await?;

    // The province's branch closest to 50 members (at least 50).
    let (branch_id, size): (i64, i64) = sqlx::query_as(
        "SELECT m.org_id, COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id \
         WHERE o.province_id = $1 AND m.status = 'normal' GROUP BY m.org_id \
         HAVING COUNT(*) >= 50 ORDER BY COUNT(*), m.org_id LIMIT 1",
    )
    .bind(province.id)
    .fetch_one(store.pool())
    .await
    .context("no branch of 50 members")?;
    let branch = store.org(branch_id).await?;
    table.note(&format!(
        "{} members in the set, {} dues records (12 months); {}: {} members; the branch: {} ({size} members)",
        thousands(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM members")
                .fetch_one(store.pool())
                .await? as u64
        ),
        thousands(rows as u64),
        province.full_name,
        thousands(province_members as u64),
        branch.full_name
    ));

    let own = admin_of(&store, admin.id, &branch).await?;
    let month = current_month();
    let view = store
        .dues_branch_month(branch.id, branch.province_id, month)
        .await?;
    let inputs: Vec<record::PaymentInput> = view
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| record::PaymentInput {
            person_id: m.person_id,
            // One in ten has not paid yet.
            paid: if i % 10 == 9 {
                String::new()
            } else {
                m.due_now.to_string()
            },
        })
        .collect();
    let mut samples = Vec::new();
    for rep in 0..25 {
        sqlx::query("DELETE FROM dues_payments WHERE org_id = $1 AND month = $2")
            .bind(branch.id)
            .bind(month.index())
            .execute(store.pool())
            .await?;
        let began = Instant::now();
        let (done, _) = record::record(&app, &own, branch.id, &month.to_string(), &inputs)
            .await
            .map_err(fault)?;
        anyhow::ensure!(done.written == inputs.len(), "{done:?}");
        if rep >= 5 {
            samples.push(began.elapsed());
        }
    }
    table.row(
        &format!("record a month of dues for a {size}-member branch in one request"),
        200.0,
        &Sample(samples),
    );

    let province_admin = admin_of(&store, admin.id, &province).await?;
    let central = store.root_org().await?.context("no root")?;
    let central_admin = admin_of(&store, admin.id, &central).await?;
    for (who, user, org, floor) in [
        (
            province.full_name.as_str(),
            &province_admin,
            &province,
            100.0,
        ),
        (
            "团中央 (the whole country; no floor)",
            &central_admin,
            &central,
            f64::INFINITY,
        ),
    ] {
        let mut found = 0;
        let s = time(3, 30, || {
            let (app, user) = (&app, user);
            async move {
                let a = reports::arrears(app, user, org.id).await.map_err(fault)?;
                anyhow::Ok(a.arrears.total)
            }
        })
        .await?;
        if let Ok(a) = reports::arrears(&app, user, org.id).await {
            found = a.arrears.total;
        }
        table.row(
            &format!(
                "arrears list of {who} ({} candidates)",
                thousands(found as u64)
            ),
            floor,
            &s,
        );
        let s = time(3, 30, || {
            let (app, user) = (&app, user);
            async move {
                reports::totals(app, user, org.id, None)
                    .await
                    .map_err(fault)?;
                anyhow::Ok(())
            }
        })
        .await?;
        table.row(&format!("yearly totals of {who}"), floor, &s);
    }
    Ok(())
}
