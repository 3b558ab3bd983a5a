//! Prepares issue 10's import memory benchmark (scripts/bench-import-memory.sh): adds three
//! city committees, each with its own admin and 50 branches, to an initialised database, and
//! writes the files to upload to them:
//! - inline.xlsx: one inline-string cell of 390 MiB (a 400 KB upload);
//! - shared.xlsx: the same as one shared string;
//! - many.xlsx: 100,000 rows whose every cell is the same 1,000-character shared string;
//! - valid-K.xlsx: 100,000 valid rows for committee K (what a real upload at the limit holds).
//!
//! Prints one line per committee: its id, its admin's ID number and password.
//!
//!   bench_import_memory DATABASE_URL OUT_DIR

use tuanjian_app::member_import::columns::{Context, Kind, template};
use tuanjian_domain::{IdNumber, MemberField, OrgClass, OrgKind, OrgLevel};
use tuanjian_sheet::hostile::{self, Attack};
use tuanjian_sheet::write_filled;
use tuanjian_store::Store;
use tuanjian_store::audit::Actor;
use tuanjian_store::orgs::{NewOrg, Org, insert_org};
use tuanjian_store::people::insert_person;
use tuanjian_store::roles::insert_admin;
use tuanjian_web::auth::password_hash::Hasher;

const PASSWORD: &str = "Bench2026memory";
const BRANCHES: usize = 50;
const ROWS: usize = 100_000;

async fn add(store: &Store, parent: &Org, level: OrgLevel, kind: OrgKind, full: &str) -> Org {
    let mut tx = store.begin().await.unwrap();
    let short: String = full
        .chars()
        .rev()
        .take(10)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let org = insert_org(
        &mut tx,
        &Actor::default(),
        Some(parent),
        &NewOrg {
            class: OrgClass { level, kind },
            short_name: &short,
            full_name: full,
            xinjiang: false,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    org
}

fn branch_name(k: usize, b: usize) -> String {
    format!("共青团内存基准{k}市第一中学{b}班支部")
}

/// The county's admin, with the benchmark's password.
async fn add_admin(store: &Store, county: &Org, k: usize, hash: &str) -> IdNumber {
    let admin = IdNumber::from_first17(&format!("1101051970010100{k}"));
    let mut tx = store.begin().await.unwrap();
    let person = insert_person(
        &mut tx,
        &Actor::default(),
        &admin,
        "基准管理员",
        None,
        Some(hash),
    )
    .await
    .unwrap();
    insert_admin(&mut tx, &Actor::default(), county.id, person.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    admin
}

/// The rows of county `k`'s valid file, spread over its branches.
fn member_rows(kind: Kind, k: usize) -> Vec<Vec<String>> {
    let col = |f: MemberField| kind.fields().iter().position(|g| *g == f).unwrap();
    let mut data = Vec::with_capacity(ROWS);
    for n in 0..ROWS {
        let i = n as u64 + 1;
        let day = i / 900;
        let (y, d) = (2002 + day / 336, day % 336);
        let id = IdNumber::from_first17(&format!(
            "440106{y:04}{:02}{:02}{:03}",
            1 + d / 28,
            1 + d % 28,
            i % 900 + 1
        ));
        let mut row = vec![String::new(); kind.fields().len()];
        row[col(MemberField::Name)] = format!("基准团员{n}");
        row[col(MemberField::IdNumber)] = id.as_str().to_string();
        row[col(MemberField::Ethnicity)] = "汉族".into();
        row[col(MemberField::PoliticalStatus)] = "共青团员".into();
        row[col(MemberField::JoinMonth)] = "2019-05".into();
        row[col(MemberField::DevNumber)] = format!("2019{:08}", 80_000_000 - n);
        row[col(MemberField::Branch)] = branch_name(k, n % BRANCHES);
        row[col(MemberField::Phone)] = format!("139{n:08}");
        row[col(MemberField::WorkUnit)] = "内存基准第一中学".into();
        row[col(MemberField::PartyApplied)] = "否".into();
        data.push(row);
    }
    data
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, out] = args.as_slice() else {
        eprintln!("usage: bench_import_memory DATABASE_URL OUT_DIR");
        std::process::exit(2);
    };
    let out = std::path::Path::new(out);
    let store = Store::open(url).await.unwrap();
    let root = store
        .root_org()
        .await
        .unwrap()
        .expect("an initialised database");
    let province = store
        .children(
            root.id,
            tuanjian_store::orgs::PageRequest::new(Some(1), Some(1)),
        )
        .await
        .unwrap()
        .items
        .remove(0)
        .org;
    let hash = Hasher::new(1).hash(PASSWORD.into()).await.unwrap();
    let kind = Kind::Members;
    let mut titles = Vec::new();
    for k in 0..3 {
        let county = add(
            &store,
            &province,
            OrgLevel::Municipal,
            OrgKind::Committee,
            &format!("共青团内存基准{k}市委员会"),
        )
        .await;
        for b in 0..BRANCHES {
            add(
                &store,
                &county,
                OrgLevel::Grassroots,
                OrgKind::Branch,
                &branch_name(k, b),
            )
            .await;
        }
        let admin = add_admin(&store, &county, k, &hash).await;
        println!("{} {} {PASSWORD}", county.id, admin.as_str());

        let t = template(
            kind,
            &Context {
                org_kind: OrgKind::Committee,
                branch_names: (0..BRANCHES).map(|b| branch_name(k, b)).collect(),
            },
        );
        titles = t.titles().into_iter().map(str::to_string).collect();
        let data = member_rows(kind, k);
        std::fs::write(
            out.join(format!("valid-{k}.xlsx")),
            write_filled(&t, &data).unwrap(),
        )
        .unwrap();
    }
    let huge = 390 * 1024 * 1024 / 3;
    for (name, attack) in [
        ("inline.xlsx", Attack::InlineCell { chars: huge }),
        ("shared.xlsx", Attack::SharedCell { chars: huge }),
        (
            "many.xlsx",
            Attack::ManyCells {
                rows: ROWS as u32,
                chars: 1_000,
            },
        ),
    ] {
        std::fs::write(out.join(name), hostile::xlsx(&titles, attack).unwrap()).unwrap();
    }
    store.close().await;
}
