//! Prepares issue 5's import benchmark (scripts/bench-import.sh): adds a school committee with
//! 50 branches to an initialised database (the demo set, so the checks run against a populated
//! `people` and `members`) and writes a members file of N valid rows for it, with ID numbers and
//! development numbers that are not yet in the database. Prints the school's full name.
//! A school that already holds members (an earlier run's) is left as it is and the next is
//! added (第2中学, 第3中学 …), so every run into the same set imports into empty branches.
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

const BRANCHES: usize = 50;

/// Districts of 广州 whose codes the rows' ID numbers begin with.
const AREAS: [&str; 11] = [
    "440106", "440103", "440104", "440105", "440111", "440112", "440113", "440114", "440115",
    "440117", "440118",
];

/// The `n`th bench school's name without the 委员会 / 班支部 suffix.
fn school_stem(n: usize) -> String {
    if n == 1 {
        "共青团基准测试市第一中学".into()
    } else {
        format!("共青团基准测试市第{n}中学")
    }
}

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

/// The county the bench schools belong to, under a city of their own (added once).
async fn bench_county(store: &Store, province: &Org) -> Org {
    const COUNTY: &str = "共青团基准测试市某县委员会";
    if let Some(county) = store.org_by_full_name(COUNTY).await.unwrap() {
        return county;
    }
    let city = add(
        store,
        province,
        OrgLevel::Municipal,
        OrgKind::Committee,
        "基准市委",
        "共青团基准测试市委员会",
    )
    .await;
    add(
        store,
        &city,
        OrgLevel::County,
        OrgKind::Committee,
        "基准县委",
        COUNTY,
    )
    .await
}

/// The `n`th school and its branches the rows go to.
async fn add_school(store: &Store, county: &Org, n: usize) -> Org {
    let stem = school_stem(n);
    let school = add(
        store,
        county,
        OrgLevel::Grassroots,
        OrgKind::Committee,
        &format!("基准{n}中团委"),
        &format!("{stem}委员会"),
    )
    .await;
    for b in 0..BRANCHES {
        add(
            store,
            &school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            &format!("基准{n}中{b}班团支部"),
            &format!("{stem}{b}班支部"),
        )
        .await;
    }
    school
}

/// The first bench school without members, added if there is none yet.
async fn empty_school(store: &Store, province: &Org) -> (Org, String) {
    for n in 1.. {
        let stem = school_stem(n);
        let Some(school) = store
            .org_by_full_name(&format!("{stem}委员会"))
            .await
            .unwrap()
        else {
            let county = bench_county(store, province).await;
            return (add_school(store, &county, n).await, stem);
        };
        if store.subtree_member_count(&school.path).await.unwrap() == 0 {
            return (school, stem);
        }
    }
    unreachable!("some school number is free")
}

/// `rows` valid member rows whose ID and development numbers the database does not hold yet.
async fn member_rows(store: &Store, kind: Kind, rows: usize, stem: &str) -> Vec<Vec<String>> {
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
        // Born 2002–2005, so the rows' 2019-05 入团 is at 13 or older; each district of
        // 广州 in turn once the earlier ones' numbers are taken (by earlier runs).
        let day = i / 900;
        let (y, d) = (2002 + day / 336 % 4, day % 336);
        let area = AREAS
            .get((day / 336 / 4) as usize)
            .expect("bench ID numbers left: use a fresh demo set");
        let first17 = format!(
            "{area}{y:04}{:02}{:02}{:03}",
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
        row[col(MemberField::Branch)] = format!("{stem}{}班支部", n % BRANCHES);
        row[col(MemberField::Phone)] = format!("139{:08}", n);
        row[col(MemberField::WorkUnit)] = stem.trim_start_matches("共青团").into();
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
    let (school, stem) = empty_school(&store, &province).await;
    let kind = Kind::Members;
    let data = member_rows(&store, kind, rows, &stem).await;
    let t = template(
        kind,
        &Context {
            org_kind: OrgKind::Committee,
            branch_names: (0..BRANCHES).map(|b| format!("{stem}{b}班支部")).collect(),
        },
    );
    std::fs::write(out, write_filled(&t, &data).unwrap()).unwrap();
    store.close().await;
    println!("{}", school.full_name);
}
