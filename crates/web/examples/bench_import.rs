//! Prepares issue 5's import benchmark (scripts/bench-import.sh): adds a school committee with
//! 50 branches to an initialised database (the demo set, so the checks run against a populated
//! `people` and `members`) and writes a members file of N valid rows for it, with ID numbers and
//! development numbers that are not yet in the database. Prints the school's full name.
//!
//!   bench_import DATABASE_URL ROWS OUT.xlsx

use std::collections::HashSet;

use tuanjian_app::member_import::columns::{Context, Kind, template};
use tuanjian_demo::PersonNames;
use tuanjian_domain::{IdNumber, MemberField, OrgClass, OrgKind, OrgLevel};
use tuanjian_sheet::write_filled;
use tuanjian_store::Store;
use tuanjian_store::audit::Actor;
use tuanjian_store::orgs::{NewOrg, Org, insert_org};

const SCHOOL: &str = "共青团基准测试市第一中学委员会";
const BRANCHES: usize = 50;

async fn add(
    store: &Store,
    parent: &Org,
    level: OrgLevel,
    kind: OrgKind,
    short: &str,
    full: &str,
) -> Org {
    let mut tx = store.begin().await.unwrap();
    let org = insert_org(
        &mut tx,
        &Actor::default(),
        Some(parent),
        &NewOrg {
            class: OrgClass { level, kind },
            short_name: short,
            full_name: full,
            xinjiang: false,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    org
}

/// The school and its branches the rows go to, under a city and county of their own.
async fn add_school(store: &Store, province: &Org) -> Org {
    let city = add(
        store,
        province,
        OrgLevel::Municipal,
        OrgKind::Committee,
        "基准市委",
        "共青团基准测试市委员会",
    )
    .await;
    let county = add(
        store,
        &city,
        OrgLevel::County,
        OrgKind::Committee,
        "基准县委",
        "共青团基准测试市某县委员会",
    )
    .await;
    let school = add(
        store,
        &county,
        OrgLevel::Grassroots,
        OrgKind::Committee,
        "基准一中团委",
        SCHOOL,
    )
    .await;
    for b in 0..BRANCHES {
        add(
            store,
            &school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            &format!("基准{b}班团支部"),
            &format!("共青团基准测试市第一中学{b}班支部"),
        )
        .await;
    }
    school
}

/// `rows` valid member rows whose ID and development numbers the database does not hold yet.
async fn member_rows(store: &Store, kind: Kind, rows: usize) -> Vec<Vec<String>> {
    let taken_ids: HashSet<String> = sqlx::query_scalar("SELECT id_number FROM people")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
    let taken_devs: HashSet<String> =
        sqlx::query_scalar("SELECT dev_number FROM members WHERE dev_number IS NOT NULL")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .collect();
    let col = |f: MemberField| kind.fields().iter().position(|g| *g == f).unwrap();
    let width = kind.fields().len();
    let mut data = Vec::with_capacity(rows);
    let (mut i, mut dev) = (0u64, 0u64);
    let mut names = PersonNames::new(2026);
    while data.len() < rows {
        i += 1;
        let day = i / 900;
        let (y, d) = (2002 + day / 336, day % 336);
        let first17 = format!(
            "440106{y:04}{:02}{:02}{:03}",
            1 + d / 28,
            1 + d % 28,
            i % 900 + 1
        );
        let id = IdNumber::from_first17(&first17).as_str().to_string();
        if taken_ids.contains(&id) {
            continue;
        }
        let number = loop {
            dev += 1;
            let n = format!("2019{:08}", 90_000_000 - dev);
            if !taken_devs.contains(&n) {
                break n;
            }
        };
        let n = data.len();
        let mut row = vec![String::new(); width];
        // Names shaped like people's (as the demo's): the name search keeps an entry per
        // distinct character, so "基准团员12345" (eight, four of them shared by every row)
        // weighed on the import more than real names do.
        row[col(MemberField::Name)] = names.next_name();
        row[col(MemberField::IdNumber)] = id;
        row[col(MemberField::Ethnicity)] = "汉族".into();
        row[col(MemberField::PoliticalStatus)] = "共青团员".into();
        row[col(MemberField::JoinMonth)] = "2019-05".into();
        row[col(MemberField::DevNumber)] = number;
        row[col(MemberField::Branch)] = format!("共青团基准测试市第一中学{}班支部", n % BRANCHES);
        row[col(MemberField::Phone)] = format!("139{:08}", n);
        row[col(MemberField::WorkUnit)] = "基准测试市第一中学".into();
        row[col(MemberField::PartyApplied)] = "否".into();
        if n % 40 == 0 {
            row[col(MemberField::Post)] = "组织委员".into();
            row[col(MemberField::CadreNature)] = "兼职".into();
        }
        data.push(row);
    }
    data
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, rows, out] = args.as_slice() else {
        eprintln!("usage: bench_import DATABASE_URL ROWS OUT.xlsx");
        std::process::exit(2);
    };
    let rows: usize = rows.parse().expect("ROWS is a number");
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
    let school = match store.org_by_full_name(SCHOOL).await.unwrap() {
        Some(s) => s,
        None => add_school(&store, &province).await,
    };
    let kind = Kind::Members;
    let data = member_rows(&store, kind, rows).await;
    let t = template(
        kind,
        &Context {
            org_kind: OrgKind::Committee,
            branch_names: (0..BRANCHES)
                .map(|b| format!("共青团基准测试市第一中学{b}班支部"))
                .collect(),
        },
    );
    std::fs::write(out, write_filled(&t, &data).unwrap()).unwrap();
    store.close().await;
    println!("{}", school.full_name);
}
