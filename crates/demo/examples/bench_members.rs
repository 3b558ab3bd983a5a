//! Issue 4's benchmark: member lists and entry at 1,000,000 members.
//!
//! `cargo run --release -p tuanjian-demo --example bench_members -- DATABASE [options]`
//! where DATABASE is a `sqlite://` file or a `postgres://` URL. An empty database first gets the
//! demo set (`tuanjian demo --members N`), on PostgreSQL followed by the `VACUUM ANALYZE`
//! autovacuum would soon run. Then the store's own functions are timed, many times each, and
//! one table row per measurement is printed (p50, p95 and max in ms beside the floor):
//!
//! - the first page (20) of the member list of the province with the most members, with its
//!   total (`Store::members`, as the list page shows it), and of a county and a branch;
//! - the first page (20) of the 超龄 list (members reaching 28 within three months, with the
//!   total; `Store::aged_out`) of the same province, county and branch;
//! - filtered counts in that province (`Store::count_members`): by join year, by part of a
//!   name, by part of an ID number, faulty records only;
//! - adding one member with every entry rule (`Store::add_member`: ID, age, development number
//!   and its 号段, already registered, number taken; the account, the membership and the audit
//!   record in one transaction) into a branch of that province.
//!
//! Options: `--members N` (1000000), `--seed N` (1), `--adds N` (300), `--no-header`.
//! Running it again on the same database reuses the data (each run adds `--adds` members).

mod support;

use anyhow::Context;
use chrono::NaiveDate;
use tuanjian_demo::DemoOptions;
use tuanjian_domain::IdNumber;
use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_store::Store;
use tuanjian_store::audit::Actor;
use tuanjian_store::leaving::aging::AgingQuery;
use tuanjian_store::members::{MemberFilter, MemberQuery, MemberSort};
use tuanjian_store::orgs::{Org, PageRequest};
use tuanjian_store::scope::AdminScope;

use support::{Table, thousands, time};

struct Options {
    url: String,
    members: u64,
    seed: u64,
    adds: usize,
    header: bool,
}

fn options() -> anyhow::Result<Options> {
    let args = support::Args::parse(
        "bench_members",
        &[("members", 1_000_000), ("seed", 1), ("adds", 300)],
    )?;
    Ok(Options {
        members: args.number("members"),
        seed: args.number("seed"),
        adds: args.number("adds") as usize,
        url: args.url,
        header: args.header,
    })
}

/// The province with the most members, a county and a branch in it (each with the most
/// members of its level), and a parent of that branch.
struct Places {
    province: i64,
    province_members: i64,
    county: i64,
    county_members: i64,
    branch: i64,
    branch_members: i64,
    branch_parent: i64,
}

async fn places(store: &Store) -> anyhow::Result<Places> {
    let (province, province_members): (i64, i64) = sqlx::query_as(
        "SELECT o.province_id, COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id \
         GROUP BY o.province_id ORDER BY 2 DESC LIMIT 1",
    )
    .fetch_one(store.pool())
    .await?;
    let (branch, branch_members): (i64, i64) = sqlx::query_as(
        "SELECT m.org_id, COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id \
         WHERE o.province_id = $1 GROUP BY m.org_id ORDER BY 2 DESC, 1 LIMIT 1",
    )
    .bind(province)
    .fetch_one(store.pool())
    .await?;
    let branch_org = store.org(branch).await?;
    let branch_parent = branch_org.parent_id.context("a branch without a parent")?;
    // The branch's county: the ancestor at county level.
    let lineage = store.lineage(branch).await?;
    let county = lineage
        .iter()
        .find(|a| a.org.level == tuanjian_domain::OrgLevel::County)
        .map(|a| a.org.clone())
        .context("the branch has no county above it")?;
    let (lo, hi) = county.path.subtree_range();
    let county_members: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE org_path >= $1 AND org_path < $2")
            .bind(lo)
            .bind(hi)
            .fetch_one(store.pool())
            .await?;
    Ok(Places {
        province,
        province_members,
        county: county.id,
        county_members,
        branch,
        branch_members,
        branch_parent,
    })
}

/// A member the rules accept, numbered `n`: born 2008, joined 2023-05, number 2023 99 nnnnnn.
fn new_member(n: u64) -> MemberInput {
    let first17 = format!("11010120080301{:03}", n % 1000);
    // Vary the birth day too, so `n` up to 28,000 gives distinct ID numbers.
    let day = 1 + (n / 1000) % 28;
    let first17 = format!("{}{day:02}{}", &first17[..12], &first17[14..]);
    MemberInput {
        profile: ProfileInput {
            name: format!("测试{n}"),
            id_number: IdNumber::from_first17(&first17).to_string(),
            ethnicity: "汉族".into(),
            political_status: "共青团员".into(),
            phone: "13800138000".into(),
            ..Default::default()
        },
        join_month: "2023-05".into(),
        dev_number: format!("202399{n:06}"),
        ..Default::default()
    }
}

/// (b) Counts over the province under each filter.
async fn measure_filtered_counts(
    store: &Store,
    table: &Table,
    central: &AdminScope,
    province: &Org,
) -> anyhow::Result<()> {
    let filters = [
        (
            "join year 2020",
            MemberFilter {
                join_year: Some(2020),
                ..Default::default()
            },
        ),
        (
            "name contains 明",
            MemberFilter {
                name: Some("明".into()),
                ..Default::default()
            },
        ),
        (
            "ID number contains 0512",
            MemberFilter {
                id_number: Some("0512".into()),
                ..Default::default()
            },
        ),
        (
            "faulty records",
            MemberFilter {
                faulty: true,
                ..Default::default()
            },
        ),
    ];
    for (label, filter) in &filters {
        let q = MemberQuery::within(central, province, filter).context("out of scope")?;
        let s = time(3, 30, || {
            let q = &q;
            async move { anyhow::Ok(store.count_members(q).await?) }
        })
        .await?;
        table.row(
            &format!("filtered count in the province: {label}"),
            200.0,
            &s,
        );
    }
    Ok(())
}

/// (c) Adding one member with every rule, `adds` times, by the branch's direct superior's
/// admin (`person`, made one first).
async fn measure_add(
    store: &Store,
    table: &Table,
    (actor, person): (&Actor, i64),
    p: &Places,
    adds: usize,
) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    let _ = tuanjian_store::roles::insert_admin(&mut tx, actor, p.branch_parent, person).await;
    tx.commit().await?;
    let scope = store
        .admin_scope(person, p.branch_parent)
        .await?
        .context("no admin scope over the branch's parent")?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date");
    // Numbers not used by earlier runs.
    let used: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE dev_number LIKE '202399%'")
            .fetch_one(store.pool())
            .await?;
    let mut n = used as u64;
    let s = time(5, adds, || {
        n += 1;
        let input = new_member(n);
        let scope = &scope;
        async move {
            let added = store
                .add_member(actor, scope, p.branch, &input, today)
                .await
                .map_err(|e| anyhow::anyhow!("add_member: {e:?}"))?;
            anyhow::Ok(added.person_id)
        }
    })
    .await?;
    table.row(
        "add one member (every rule, account, audit; one tx)",
        20.0,
        &s,
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = options()?;
    let (store, table, admin, actor) = support::open_demo(
        &opts.url,
        "issue 4",
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
    table.note(&format!(
        "{} members in the database",
        thousands(total as u64)
    ));
    let p = places(&store).await?;
    let root = store.root_org().await?.context("no root")?;
    let central = store
        .admin_scope(admin.id, root.id)
        .await?
        .context("the central admin administers no root")?;
    let province = store.org(p.province).await?;
    let county = store.org(p.county).await?;
    let branch = store.org(p.branch).await?;
    table.note(&format!(
        "{}: {} members; {}: {}; {}: {}",
        province.full_name,
        thousands(p.province_members as u64),
        county.full_name,
        thousands(p.county_members as u64),
        branch.full_name,
        p.branch_members
    ));

    // (a) The first page of a list, with its total, as the list page shows it.
    let all = MemberFilter::default();
    for (label, org, sort) in [
        ("province", &province, MemberSort::Org),
        ("province, by name", &province, MemberSort::Name),
        (
            "province, newest joined first",
            &province,
            MemberSort::JoinMonthNewest,
        ),
        ("county", &county, MemberSort::Org),
        ("branch", &branch, MemberSort::Org),
        ("branch, by name", &branch, MemberSort::Name),
    ] {
        let q = MemberQuery::within(&central, org, &all).context("out of scope")?;
        let s = time(10, 200, || {
            let (store, q) = (&store, &q);
            async move {
                let page = store
                    .members(q, sort, PageRequest::new(Some(1), Some(20)))
                    .await?;
                anyhow::Ok(page.items.len())
            }
        })
        .await?;
        table.row(
            &format!("member list, first page of 20 with total: {label}"),
            50.0,
            &s,
        );
    }

    // (a2) The 超龄 list (issue 12): members reaching 28 within three months, first page of 20
    // with its total, read from the partial index over normal members' branch path and birth.
    let horizon = tuanjian_domain::leaving::horizon(
        tuanjian_store::entry_faults::beijing_today(),
        tuanjian_domain::leaving::DEFAULT_NOTICE_MONTHS,
    )?;
    for (label, org) in [
        ("province", &province),
        ("county", &county),
        ("branch", &branch),
    ] {
        let q = AgingQuery::within(&central, org, horizon).context("out of scope")?;
        let s = time(10, 200, || {
            let (store, q) = (&store, &q);
            async move {
                let page = store
                    .aged_out(q, PageRequest::new(Some(1), Some(20)))
                    .await?;
                anyhow::Ok(page.total)
            }
        })
        .await?;
        table.row(
            &format!("超龄 list (28 within 3 months), first page of 20 with total: {label}"),
            50.0,
            &s,
        );
        let total = store.aged_out_count(&q).await?;
        table.note(&format!(
            "超龄 list of the {label}: {} members reach 28 within 3 months",
            thousands(total as u64)
        ));
    }

    // (b) Filtered counts over the province.
    measure_filtered_counts(&store, &table, &central, &province).await?;

    // (c) Adding one member with every rule, by the branch's direct superior's admin.
    measure_add(&store, &table, (&actor, admin.id), &p, opts.adds).await?;
    store.close().await;
    Ok(())
}
