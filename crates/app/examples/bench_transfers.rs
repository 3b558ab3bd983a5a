//! Issue 12's benchmark: 组织关系转接 at 1,000,000 members, through the use cases the pages
//! and the API call (`tuanjian_app::transfers`), permission checks and audit records included.
//!
//! `cargo run --release -p tuanjian-app --example bench_transfers -- DATABASE [options]`
//! where DATABASE is a `sqlite://` file or a `postgres://` URL. An empty database first gets the
//! demo set (`tuanjian demo --members N`). Then a class of 500 members of the largest province's
//! largest county moves to the largest county of another province and back, rounds alternating:
//!
//! - even rounds: 办理转出 of all 500 in one request by the sending county's admin (its own
//!   approval included), then the receiving county's admin approves the page of 500 at once,
//!   assigning one branch;
//! - odd rounds: each member starts their own request (timed one by one), the sending county's
//!   admin approves the 500 at once, then the receiving side as above;
//! - the receiving county's 办理转入 list (first page of 50 with its total) while 500 wait.
//!
//! Options: `--members N` (1000000), `--seed N` (1), `--rounds N` (4), `--no-header`.

#[path = "../../demo/examples/support/mod.rs"]
mod support;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use tuanjian_app::transfers::{decide, lists, start};
use tuanjian_app::{App, Config, Signed};
use tuanjian_demo::DemoOptions;
use tuanjian_domain::transfer::TransferInput;
use tuanjian_store::Store;
use tuanjian_store::orgs::Org;
use tuanjian_store::roles::RoleKind;
use tuanjian_store::sessions::Session;
use tuanjian_store::transfers::{Side, TransferFilter};

use support::{Sample, thousands, time};

const CLASS: i64 = 500;

/// A use case's fault as an error of the benchmark.
fn fault(f: tuanjian_app::Fault) -> anyhow::Error {
    anyhow::anyhow!("{}: {}", f.code.as_str(), f.message)
}

struct Options {
    url: String,
    members: u64,
    seed: u64,
    rounds: usize,
    header: bool,
}

fn options() -> anyhow::Result<Options> {
    let args = support::Args::parse(
        "bench_transfers",
        &[("members", 1_000_000), ("seed", 1), ("rounds", 4)],
    )?;
    Ok(Options {
        members: args.number("members"),
        seed: args.number("seed"),
        rounds: args.number("rounds") as usize,
        url: args.url,
        header: args.header,
    })
}

/// One side of the move: a county, a branch below it the other side's members are assigned
/// to, and a signed-in admin of the county.
struct Place {
    county: Org,
    branch: Org,
    admin: Signed,
}

/// The county above the largest branch that has one (of a province, or outside it): some
/// branches stand right under a city or a 系统团委.
async fn county_of_largest_branch(
    store: &Store,
    in_province: bool,
    province: i64,
) -> anyhow::Result<Org> {
    let branches: Vec<i64> = sqlx::query_scalar(
        "SELECT m.org_id FROM members m JOIN orgs o ON o.id = m.org_id \
         WHERE (o.province_id = $1) = $2 GROUP BY m.org_id ORDER BY COUNT(*) DESC, m.org_id LIMIT 100",
    )
    .bind(province)
    .bind(in_province)
    .fetch_all(store.pool())
    .await?;
    for branch in branches {
        let county = store
            .lineage(branch)
            .await?
            .into_iter()
            .find(|a| a.org.level == tuanjian_domain::OrgLevel::County)
            .map(|a| a.org);
        if let Some(county) = county
            && store.transferable_members(&county.path, CLASS).await?.len() as i64 == CLASS
        {
            return Ok(county);
        }
    }
    anyhow::bail!("no county with {CLASS} members")
}

/// A session acting as an admin of `org` for `person` (as the adapters build it).
async fn signed_as(
    store: &Store,
    person_id: i64,
    role: RoleKind,
    org: i64,
) -> anyhow::Result<Signed> {
    let person = store.person(person_id).await?;
    let admin_scope = match role {
        RoleKind::Admin => Some(
            store
                .admin_scope(person_id, org)
                .await?
                .context("not an admin there")?,
        ),
        _ => None,
    };
    Ok(Signed {
        session: Session {
            token_hash: String::new(),
            person_id,
            csrf_token: String::new(),
            role: Some((role, org)),
            last_seen_at: 0,
        },
        person,
        addr: IpAddr::from([127, 0, 0, 1]),
        admin_scope,
        inbox_count: None,
    })
}

async fn side(store: &Store, county: Org, admin_person: i64) -> anyhow::Result<Place> {
    let branch = store
        .branches_under(&county.path, 1)
        .await?
        .into_iter()
        .next()
        .context("a county without branches")?;
    let mut tx = store.begin().await?;
    let _ =
        tuanjian_store::roles::insert_admin(&mut tx, &Default::default(), county.id, admin_person)
            .await;
    tx.commit().await?;
    let admin = signed_as(store, admin_person, RoleKind::Admin, county.id).await?;
    Ok(Place {
        county,
        branch,
        admin,
    })
}

fn input(to: &Org) -> TransferInput<'static> {
    TransferInput {
        reason: "further_study",
        detail: "毕业升学",
        to_org_id: Some(to.id),
        ..TransferInput::default()
    }
}

/// The members of `county` to move: the first 500 by branch and name.
async fn class_of(store: &Store, county: &Org) -> anyhow::Result<Vec<i64>> {
    let members = store.transferable_members(&county.path, CLASS).await?;
    anyhow::ensure!(
        members.len() as i64 == CLASS,
        "the county has fewer than {CLASS} members"
    );
    Ok(members.iter().map(|m| m.person_id).collect())
}

#[derive(Default)]
struct Timings {
    start_bulk: Vec<Duration>,
    start_one: Vec<Duration>,
    approve_out: Vec<Duration>,
    approve_in: Vec<Duration>,
}

/// One move of the class from `from` to `to`; `by_members`: each member starts their own.
async fn round(
    app: &App,
    from: &Place,
    to: &Place,
    by_members: bool,
    t: &mut Timings,
) -> anyhow::Result<()> {
    let class = class_of(&app.store, &from.county).await?;
    let ids = if by_members {
        let mut ids = Vec::with_capacity(class.len());
        for &person in &class {
            let member = signed_as(&app.store, person, RoleKind::Member, 0).await?;
            let began = Instant::now();
            ids.push(
                start::by_member(app, &member, &input(&to.county))
                    .await
                    .map_err(fault)?,
            );
            t.start_one.push(began.elapsed());
        }
        let began = Instant::now();
        decide::approve_out(app, &from.admin, &ids)
            .await
            .map_err(fault)?;
        t.approve_out.push(began.elapsed());
        ids
    } else {
        let began = Instant::now();
        let ids = start::out(app, &from.admin, from.county.id, &class, &input(&to.county))
            .await
            .map_err(fault)?;
        t.start_bulk.push(began.elapsed());
        ids
    };
    let items: Vec<(i64, Option<i64>)> = ids.iter().map(|id| (*id, Some(to.branch.id))).collect();
    let began = Instant::now();
    let done = decide::approve_in(app, &to.admin, &items)
        .await
        .map_err(fault)?;
    t.approve_in.push(began.elapsed());
    anyhow::ensure!(done.len() as i64 == CLASS, "not all were approved");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = options()?;
    let (store, table, admin, _) = support::open_demo(
        &opts.url,
        "issue 12",
        opts.header,
        DemoOptions {
            members: opts.members,
            seed: opts.seed,
            orgs: None,
        },
    )
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(store.pool())
        .await?;
    let province: i64 = sqlx::query_scalar(
        "SELECT o.province_id FROM members m JOIN orgs o ON o.id = m.org_id \
         GROUP BY o.province_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(store.pool())
    .await?;
    let a = side(
        &store,
        county_of_largest_branch(&store, true, province).await?,
        admin.id,
    )
    .await?;
    let b = side(
        &store,
        county_of_largest_branch(&store, false, province).await?,
        admin.id,
    )
    .await?;
    table.note(&format!(
        "{} members; the class of {CLASS} moves between {} and {} (branch {} / {})",
        thousands(total as u64),
        a.county.full_name,
        b.county.full_name,
        a.branch.full_name,
        b.branch.full_name
    ));
    let app = App::new(store.clone(), Config::default());
    let mut t = Timings::default();
    for r in 0..opts.rounds {
        let (from, to) = if r % 2 == 0 { (&a, &b) } else { (&b, &a) };
        round(&app, from, to, r % 2 == 1, &mut t).await?;
    }
    let sample = |v: &[Duration]| Sample(v.to_vec());
    table.row(
        "办理转出 of 500 in one request (sending side's approval included)",
        2000.0,
        &sample(&t.start_bulk),
    );
    table.row(
        "a member starts their own request (each of 500)",
        2000.0,
        &sample(&t.start_one),
    );
    table.row(
        "sending side approves 500 in one request",
        2000.0,
        &sample(&t.approve_out),
    );
    table.row(
        "receiving side approves 500 in one request, assigning a branch",
        2000.0,
        &sample(&t.approve_in),
    );

    // The receiving county's 办理转入 list while a class waits there.
    let class = class_of(&app.store, &a.county).await?;
    let ids = start::out(&app, &a.admin, a.county.id, &class, &input(&b.county))
        .await
        .map_err(fault)?;
    let s = time(10, 200, || {
        let (app, admin) = (&app, &b.admin);
        async move {
            let page = lists::list(app, admin, Side::In, TransferFilter::Pending, 1, 50)
                .await
                .map_err(fault)?;
            anyhow::Ok(page.total)
        }
    })
    .await?;
    table.row(
        "办理转入 list of a county, first page of 50 with total (500 waiting)",
        20.0,
        &s,
    );
    let s = time(10, 200, || {
        let (app, admin) = (&app, &b.admin);
        async move {
            let page = lists::list(app, admin, Side::In, TransferFilter::Done, 1, 50)
                .await
                .map_err(fault)?;
            anyhow::Ok(page.total)
        }
    })
    .await?;
    table.row(
        "办理转入 list of a county, done, first page of 50 with total",
        20.0,
        &s,
    );
    let items: Vec<(i64, Option<i64>)> = ids.iter().map(|id| (*id, Some(b.branch.id))).collect();
    decide::approve_in(&app, &b.admin, &items)
        .await
        .map_err(fault)?;
    store.close().await;
    Ok(())
}
