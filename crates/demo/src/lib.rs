//! Deterministic demo data for `tuanjian demo`: organisations from the provincial committees
//! down to branches, members with valid ID numbers, cadres and admins, and a handful of demo
//! accounts for the login page. Everything is written in one transaction.

mod accounts;
mod context;
mod divisions;
mod names;
mod org_info;
mod people;
mod regions;
mod tree;
mod write;

use std::time::{Duration, Instant};

use anyhow::bail;
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::bootstrap::FirstAdmin;
use tuanjian_store::settings::{self, DEMO_ACCOUNTS_KEY, DemoAccount};
use tuanjian_store::{Store, demo_data};

pub use accounts::{CENTRAL_ADMIN_NAME, central_admin_id_number};
// The benchmark of imports names its rows as the demo names its people.
pub use names::PersonNames;

pub struct DemoOptions {
    pub members: u64,
    pub seed: u64,
    /// About how many organisations to create below the provincial committees. `None`: as many
    /// as `members` need (about 32,000 per 1,000,000 members). With a target the tree is
    /// planned as for a larger membership (more schools and firms, more branches) and the
    /// members are spread thinly over it, at least one per branch (its 书记): `members` is
    /// raised to the number of branches (plus one) if it is smaller.
    pub orgs: Option<u64>,
}

pub struct DemoSummary {
    /// Organisations created (below the provincial committees).
    pub orgs: u64,
    pub members: u64,
    /// People holding a cadre post created by the demo.
    pub cadres: u64,
    pub accounts: Vec<DemoAccount>,
    pub elapsed: Duration,
}

/// `password_hash` is the Argon2 PHC hash of DEMO_PASSWORD, computed by the caller.
pub const DEMO_PASSWORD: &str = "Tuanjian2024";

/// Smallest demo that still has every kind of demo account; the largest keeps development
/// numbers (six-digit serials per year and province) from running out.
pub const MIN_MEMBERS: u64 = 100;
pub const MAX_MEMBERS: u64 = 10_000_000;
/// Bounds of an organisation target (`DemoOptions::orgs`).
pub const MIN_ORGS: u64 = 1_000;
pub const MAX_ORGS: u64 = 1_000_000;

const ALREADY_DEMO: &str = "数据库中已有演示数据，请换一个数据库文件";

/// Fills the database with demo data. Creates the tree's top first if the database is empty;
/// refuses a database that already holds demo data.
pub async fn generate(
    store: &Store,
    opts: DemoOptions,
    password_hash: &str,
) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    if !(MIN_MEMBERS..=MAX_MEMBERS).contains(&opts.members) {
        bail!(
            "演示团员人数应在 {MIN_MEMBERS} 到 {MAX_MEMBERS} 之间，现在是 {}",
            opts.members
        );
    }
    if let Some(orgs) = opts.orgs
        && !(MIN_ORGS..=MAX_ORGS).contains(&orgs)
    {
        bail!("演示组织数应在 {MIN_ORGS} 到 {MAX_ORGS} 之间，现在是 {orgs}");
    }
    if settings::get(store, DEMO_ACCOUNTS_KEY).await?.is_some() {
        bail!(ALREADY_DEMO);
    }
    if store.root_org().await?.is_none() {
        let id_number = central_admin_id_number();
        store
            .init(FirstAdmin {
                id_number: &id_number,
                name: CENTRAL_ADMIN_NAME,
                password_hash,
            })
            .await?;
    }
    let mut tx = store.begin().await?;
    // Asked again under the write lock, so two runs at once cannot both write.
    if demo_data::setting_in(&mut tx, DEMO_ACCOUNTS_KEY)
        .await?
        .is_some()
    {
        bail!(ALREADY_DEMO);
    }
    let today = chrono::Local::now().date_naive();
    let loader = demo_data::Loader::open(store).await?;
    let written = write::write(
        &mut tx,
        loader,
        opts.members,
        opts.orgs,
        opts.seed,
        password_hash,
        today,
    )
    .await?;
    let accounts: Vec<DemoAccount> = written.picks.iter().map(|p| p.account()).collect();
    settings::put(
        &mut tx,
        DEMO_ACCOUNTS_KEY,
        &serde_json::to_string(&accounts)?,
    )
    .await?;
    let elapsed = started.elapsed();
    audit::record(
        &mut tx,
        &Actor {
            person_id: None,
            role: Some("demo".into()),
            client_addr: None,
        },
        AuditEntry::new("demo.generate").after(serde_json::json!({
            "requested_members": opts.members,
            "requested_orgs": opts.orgs,
            "seed": opts.seed,
            "orgs": written.orgs,
            "members": written.members,
            "cadres": written.cadres,
            "accounts": accounts.len(),
            "elapsed_ms": elapsed.as_millis() as u64,
        })),
    )
    .await?;
    demo_data::move_sequences_past_ids(&mut tx).await?;
    tx.commit().await?;
    Ok(DemoSummary {
        orgs: written.orgs,
        members: written.members,
        cadres: written.cadres,
        accounts,
        elapsed: started.elapsed(),
    })
}
