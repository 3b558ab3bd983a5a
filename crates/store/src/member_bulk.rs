//! Bulk reads and writes for Excel imports and exports of members and cadres: what a row-by-row
//! entry (`members::insert_member_tx`) does with a few queries per record, done here with one
//! query per few hundred records, so 100,000 rows take seconds.
//!
//! The statements hold lists of placeholders whose length depends on the batch; like the demo's
//! batch inserts they are built at run time from constant text and placeholders only (every value
//! is bound), wrapped in `AssertSqlSafe`. SQLite gets anonymous `?` placeholders: it looks numbered
//! ones up by a linear scan, which makes long lists quadratic. On PostgreSQL the people and
//! members, the bulk of an import, go in by constant statements instead, one array bound per
//! column (`insert_unnest`).

use std::collections::{HashMap, HashSet};

use sqlx::{AssertSqlSafe, Row};
use tuanjian_domain::member_record::{NewCadre, NewMember, Profile};
use tuanjian_domain::name_order::person_sort_key;

use crate::members::Place;
use crate::orgs::{Org, org_from_row};
use crate::scope::AdminScope;
use crate::{Backend, StoreError, Tx, now};

/// Values per statement stay well under both databases' limits (SQLite 32,766; PostgreSQL 65,535).
const MAX_PARAMS: usize = 8_000;

/// One bound value.
#[derive(Debug, Clone)]
enum Val {
    Int(i64),
    Text(String),
    OptText(Option<String>),
}

/// `(p, p, …)` groups of `width` placeholders, `rows` times, numbered from `first` on PostgreSQL.
fn groups(backend: Backend, width: usize, rows: usize, first: usize) -> String {
    let mut out = String::with_capacity(rows * width * 5);
    let mut n = first;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            match backend {
                Backend::Postgres => {
                    out.push('$');
                    out.push_str(&n.to_string());
                    n += 1;
                }
                Backend::Sqlite => out.push('?'),
            }
        }
        out.push(')');
    }
    out
}

/// `a, b, c` placeholders for an IN list, numbered from `first`.
fn in_list(backend: Backend, n: usize, first: usize) -> String {
    let g = groups(backend, n, 1, first);
    g[1..g.len() - 1].to_string()
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    values: Vec<Val>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for v in values {
        q = match v {
            Val::Int(i) => q.bind(i),
            Val::Text(s) => q.bind(s),
            Val::OptText(s) => q.bind(s),
        };
    }
    q
}

/// Runs `prefix IN (…) suffix` over `keys` in chunks and returns every row.
async fn select_in(
    tx: &mut Tx,
    prefix: &'static str,
    suffix: &'static str,
    keys: Vec<Val>,
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let backend = tx.backend();
    let mut out = Vec::new();
    let mut keys = keys.into_iter().peekable();
    while keys.peek().is_some() {
        let chunk: Vec<Val> = keys.by_ref().take(500).collect();
        // Safe: constant text and placeholders only; the keys are bound.
        let sql = AssertSqlSafe(format!(
            "{prefix} ({}){suffix}",
            in_list(backend, chunk.len(), 1)
        ));
        let q = bind_all(sqlx::query(sql), chunk);
        out.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

/// Inserts `items` with `prefix VALUES (…), (…) suffix`, `push` giving each item's `width`
/// values; returns what `suffix` (a RETURNING clause, or "") returns. Values are built one
/// statement at a time, so 100,000 rows never sit in memory as bound values all at once.
async fn insert_rows<T>(
    tx: &mut Tx,
    prefix: &'static str,
    suffix: &'static str,
    width: usize,
    items: &[T],
    push: impl Fn(&T, &mut Vec<Val>),
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let backend = tx.backend();
    let per = (MAX_PARAMS / width).max(1);
    let mut out = Vec::new();
    let mut full: Option<String> = None;
    for chunk in items.chunks(per) {
        let mut values = Vec::with_capacity(chunk.len() * width);
        for item in chunk {
            push(item, &mut values);
        }
        debug_assert_eq!(values.len(), chunk.len() * width, "{prefix}");
        let text = if chunk.len() == per {
            full.get_or_insert_with(|| {
                format!("{prefix} VALUES {}{suffix}", groups(backend, width, per, 1))
            })
            .clone()
        } else {
            format!(
                "{prefix} VALUES {}{suffix}",
                groups(backend, width, chunk.len(), 1)
            )
        };
        // Safe: constant table and column names and placeholders only; values are bound.
        let q = bind_all(sqlx::query(AssertSqlSafe(text)), values);
        if suffix.is_empty() {
            q.execute(&mut **tx).await?;
        } else {
            out.extend(q.fetch_all(&mut **tx).await?);
        }
    }
    Ok(out)
}

/// Rows per statement of `insert_unnest`: its statements bind one array per column, so their
/// size is not bounded by the placeholders.
const UNNEST_ROWS: usize = 2_000;

/// Appends `v` as an element of a PostgreSQL array literal: text always quoted (a quote or a
/// backslash escaped), so no content can end the element or the array; `NULL` unquoted.
fn push_array_element(out: &mut String, v: &Val) {
    let text = match v {
        Val::Int(i) => {
            out.push_str(&i.to_string());
            return;
        }
        Val::Text(t) | Val::OptText(Some(t)) => t,
        Val::OptText(None) => {
            out.push_str("NULL");
            return;
        }
    };
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// The columns of `chunk` as array literals, one per column, for `unnest`.
fn array_literals<T>(width: usize, chunk: &[T], push: &impl Fn(&T, &mut Vec<Val>)) -> Vec<String> {
    let mut columns: Vec<String> = (0..width)
        .map(|_| String::with_capacity(chunk.len() * 12 + 2))
        .collect();
    let mut values = Vec::with_capacity(width);
    for (i, item) in chunk.iter().enumerate() {
        values.clear();
        push(item, &mut values);
        debug_assert_eq!(values.len(), width);
        for (column, v) in columns.iter_mut().zip(&values) {
            column.push(if i == 0 { '{' } else { ',' });
            push_array_element(column, v);
        }
    }
    for column in &mut columns {
        if column.is_empty() {
            column.push('{');
        }
        column.push('}');
    }
    columns
}

/// PostgreSQL: inserts `items` with `sql`, a constant `INSERT … SELECT * FROM unnest($1::…[],
/// …)` taking one array per column, `UNNEST_ROWS` rows per statement; returns what its
/// RETURNING clause (if any) returns. The statement text is constant, and the server binds
/// `width` values instead of one per cell (issue 14: the import's statements built and bound
/// 8,000 placeholders each, while the server waited).
async fn insert_unnest<T>(
    tx: &mut Tx,
    sql: &'static str,
    width: usize,
    items: &[T],
    push: &impl Fn(&T, &mut Vec<Val>),
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in items.chunks(UNNEST_ROWS) {
        let mut q = sqlx::query(sql);
        for column in array_literals(width, chunk, push) {
            q = q.bind(column);
        }
        out.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

/// The columns an import writes to `people`, in the order of its values (one list for both
/// databases' statements).
macro_rules! people_columns {
    () => {
        "id_number, name, phone, ethnicity, political_status, email, qq, wechat, \
         education_full_time, education_highest, occupation, work_unit, household_place, \
         created_at, name_sort"
    };
}

/// The columns an import writes to `members`, in the order of its values.
macro_rules! member_columns {
    () => {
        "person_id, org_id, org_path, join_month, dev_number, join_unit, party_applied, \
         party_applied_month, party_join_month, income, card_number, created_at, updated_at, \
         person_name, person_id_number, person_sort"
    };
}

/// Someone already in the system with an ID number from the file.
#[derive(Debug, Clone)]
pub struct KnownPerson {
    pub person_id: i64,
    pub name: String,
    /// The branch they are a member of.
    pub member_org: Option<i64>,
    /// The organisation of an application of theirs still waiting for a decision.
    pub pending_org: Option<i64>,
    /// The organisation of their first post, if they hold one.
    pub cadre_org: Option<i64>,
}

impl KnownPerson {
    /// The organisations the person belongs to: membership, pending application, first post.
    pub fn orgs(&self) -> impl Iterator<Item = i64> {
        [self.member_org, self.pending_org, self.cadre_org]
            .into_iter()
            .flatten()
    }
}

/// The people among `id_numbers` who are already in the system, by ID number.
pub async fn known_people(
    tx: &mut Tx,
    id_numbers: &[&str],
) -> Result<HashMap<String, KnownPerson>, StoreError> {
    let rows = select_in(
        tx,
        "SELECT p.id, p.id_number, p.name, m.org_id, \
         (SELECT a.org_id FROM applications a WHERE a.person_id = p.id AND a.status = 'pending' \
          ORDER BY a.id DESC LIMIT 1) AS app_org, \
         (SELECT c.org_id FROM cadre_posts c WHERE c.person_id = p.id ORDER BY c.id LIMIT 1) \
          AS cadre_org \
         FROM people p LEFT JOIN members m ON m.person_id = p.id WHERE p.id_number IN",
        "",
        id_numbers
            .iter()
            .map(|s| Val::Text(s.to_string()))
            .collect(),
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("id_number")?,
                KnownPerson {
                    person_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    member_org: r.try_get("org_id")?,
                    pending_org: r.try_get("app_org")?,
                    cadre_org: r.try_get("cadre_org")?,
                },
            ))
        })
        .collect()
}

/// Where each of `org_ids` is, told as far as the admin may know: the full name inside the
/// scope, otherwise only the province (as `members::holder_place`).
pub async fn places(
    tx: &mut Tx,
    scope: &AdminScope,
    org_ids: &[i64],
) -> Result<HashMap<i64, Place>, StoreError> {
    let rows = select_in(
        tx,
        "SELECT o.id, o.path, o.full_name, p.full_name AS province FROM orgs o \
         LEFT JOIN orgs p ON p.id = o.province_id WHERE o.id IN",
        "",
        org_ids.iter().map(|&i| Val::Int(i)).collect(),
    )
    .await?;
    rows.iter()
        .map(|r| {
            let place = Place::of(
                scope,
                r.try_get::<String, _>("path")?.as_str(),
                r.try_get("full_name")?,
                r.try_get("province")?,
            );
            Ok((r.try_get::<i64, _>("id")?, place))
        })
        .collect()
}

/// Development numbers among `numbers` already on a record: number → (person, branch).
pub async fn held_dev_numbers(
    tx: &mut Tx,
    numbers: &[&str],
) -> Result<HashMap<String, (i64, i64)>, StoreError> {
    let rows = select_in(
        tx,
        "SELECT dev_number, person_id, org_id FROM members WHERE dev_number IN",
        "",
        numbers.iter().map(|s| Val::Text(s.to_string())).collect(),
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("dev_number")?,
                (r.try_get("person_id")?, r.try_get("org_id")?),
            ))
        })
        .collect()
}

/// The posts `person_ids` hold: (person, organisation, post label).
pub async fn held_posts(
    tx: &mut Tx,
    person_ids: &[i64],
) -> Result<HashSet<(i64, i64, String)>, StoreError> {
    let rows = select_in(
        tx,
        "SELECT person_id, org_id, post FROM cadre_posts WHERE person_id IN",
        "",
        person_ids.iter().map(|&i| Val::Int(i)).collect(),
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("person_id")?,
                r.try_get("org_id")?,
                r.try_get("post")?,
            ))
        })
        .collect()
}

/// Organisations by exact full name.
pub async fn orgs_named(tx: &mut Tx, names: &[&str]) -> Result<Vec<Org>, StoreError> {
    let rows = select_in(
        tx,
        concat!(
            "SELECT ",
            crate::org_columns!(),
            " FROM orgs WHERE full_name IN"
        ),
        "",
        names.iter().map(|s| Val::Text(s.to_string())).collect(),
    )
    .await?;
    rows.iter().map(org_from_row).collect()
}

/// The direct children of an organisation (the branches a members import may name).
pub async fn children(tx: &mut Tx, parent_id: i64) -> Result<Vec<Org>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        crate::org_columns!(),
        " FROM orgs WHERE parent_id = $1 ORDER BY id"
    ))
    .bind(parent_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(org_from_row).collect()
}

fn opt(v: &Option<String>) -> Val {
    Val::OptText(v.clone())
}

/// Creates accounts in their initial state (password = last 8 characters of the ID number) for
/// the given people; returns ID number → person id.
pub async fn insert_people(
    tx: &mut Tx,
    people: &[&Profile],
) -> Result<HashMap<String, i64>, StoreError> {
    let t = now();
    // In the order of the ID numbers' unique index: each insert lands next to the last.
    let mut people = people.to_vec();
    people.sort_unstable_by_key(|p| p.id_number.as_str());
    let push = |p: &&Profile, v: &mut Vec<Val>| {
        v.extend([
            Val::Text(p.id_number.as_str().to_string()),
            Val::Text(p.name.clone()),
            opt(&p.phone),
            Val::Text(p.ethnicity.code().to_string()),
            Val::Text(p.political_status.code().to_string()),
            opt(&p.email),
            opt(&p.qq),
            opt(&p.wechat),
            Val::OptText(p.full_time_education.map(|e| e.code().to_string())),
            Val::OptText(p.highest_education.map(|e| e.code().to_string())),
            Val::OptText(p.occupation.map(|e| e.code().to_string())),
            opt(&p.work_unit),
            opt(&p.household_place),
            Val::Int(t),
            Val::Text(person_sort_key(&p.name)),
        ])
    };
    let rows = match tx.backend() {
        Backend::Postgres => {
            insert_unnest(
                tx,
                concat!(
                    "INSERT INTO people (",
                    people_columns!(),
                    ") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], \
                     $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
                     $11::text[], $12::text[], $13::text[], $14::bigint[], $15::text[]) \
                     RETURNING id, id_number"
                ),
                15,
                &people,
                &push,
            )
            .await?
        }
        Backend::Sqlite => {
            insert_rows(
                tx,
                concat!("INSERT INTO people (", people_columns!(), ")"),
                " RETURNING id, id_number",
                15,
                &people,
                push,
            )
            .await?
        }
    };
    rows.iter()
        .map(|r| Ok((r.try_get::<String, _>("id_number")?, r.try_get("id")?)))
        .collect()
}

/// The runs of consecutive ids in `ids`, as `(first, last)` in order (duplicates once).
fn id_runs(ids: impl IntoIterator<Item = i64>) -> Vec<(i64, i64)> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for id in ids {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == id => *last = id,
            _ => runs.push((id, id)),
        }
    }
    runs
}

/// Members written at once from which their name search entries are left for after the
/// commit. Until the merge a name search over a scope holding them reads the scope's members
/// (seconds for a province), so only writes whose entries would cost the transaction much
/// (an import's chunks of 2,000 rows or more: files of 10,000 rows or more) leave that window.
pub const PENDING_FROM: usize = 2_000;

/// Writes memberships: (person, branch, record). The people are listed in
/// `name_chars_deferred` for the statements' duration, which the insert trigger skips; then
/// the name search's entries of these members are written in one statement in the index's
/// order, or, from `PENDING_FROM` members, after the commit (`Store::merge_pending_name_chars`):
/// the runs go to `name_chars_pending` with their branches' range of paths (migration 0030),
/// where searches find that their scope must be read from the members themselves until then.
pub async fn insert_members(
    tx: &mut Tx,
    rows: &[(i64, &Org, &NewMember)],
) -> Result<(), StoreError> {
    let runs = id_runs(rows.iter().map(|(person_id, _, _)| *person_id));
    insert_rows(
        tx,
        "INSERT INTO name_chars_deferred (lo, hi)",
        "",
        2,
        &runs,
        |(lo, hi), v| v.extend([Val::Int(*lo), Val::Int(*hi)]),
    )
    .await?;
    // PostgreSQL's statement trigger then skips these inserts at once (migration 0029); the
    // setting is the transaction's and is cleared before anything else is inserted.
    let postgres = tx.backend() == Backend::Postgres;
    if postgres {
        sqlx::query("SELECT set_config('tuanjian.name_chars_deferred', 'on', true)")
            .execute(&mut **tx)
            .await?;
    }
    insert_member_rows(tx, rows).await?;
    if postgres {
        sqlx::query("SELECT set_config('tuanjian.name_chars_deferred', 'off', true)")
            .execute(&mut **tx)
            .await?;
    }
    if rows.len() < PENDING_FROM {
        return crate::member_search::write_deferred_name_chars(tx).await;
    }
    let paths = || rows.iter().map(|(_, branch, _)| branch.path.as_str());
    let (lo, hi) = (paths().min(), paths().max());
    let (Some(path_lo), Some(path_hi)) = (lo, hi) else {
        unreachable!("PENDING_FROM rows or more");
    };
    crate::member_search::pend_deferred_name_chars(tx, path_lo, path_hi).await
}

async fn insert_member_rows(
    tx: &mut Tx,
    rows: &[(i64, &Org, &NewMember)],
) -> Result<(), StoreError> {
    let t = now();
    // In the order of the list's index (branch, name's sort key, person): the rows of a branch
    // go in one after another instead of all over its part of the index.
    let mut rows: Vec<(String, &(i64, &Org, &NewMember))> = rows
        .iter()
        .map(|r| (person_sort_key(&r.2.profile.name), r))
        .collect();
    rows.sort_unstable_by(|(ka, a), (kb, b)| {
        (a.1.path.as_str(), ka, a.0).cmp(&(b.1.path.as_str(), kb, b.0))
    });
    type Row<'a> = (String, &'a (i64, &'a Org, &'a NewMember));
    let push = |(sort_key, (person_id, branch, m)): &Row<'_>, v: &mut Vec<Val>| {
        v.extend([
            Val::Int(*person_id),
            Val::Int(branch.id),
            Val::Text(branch.path.as_str().to_string()),
            Val::Text(m.join_month.to_string()),
            Val::OptText(m.dev_number.as_ref().map(|n| n.as_str().to_string())),
            opt(&m.join_unit),
            Val::Int(i64::from(m.party_applied)),
            Val::OptText(m.party_applied_month.map(|j| j.to_string())),
            Val::OptText(m.party_join_month.map(|j| j.to_string())),
            opt(&m.income),
            opt(&m.card_number),
            Val::Int(t),
            Val::Int(t),
            // The person's copies as the people row holds them (written from the same
            // profile just before): no copy trigger updates each row after its insert.
            Val::Text(m.profile.name.clone()),
            Val::Text(m.profile.id_number.as_str().to_string()),
            Val::Text(sort_key.clone()),
        ])
    };
    match tx.backend() {
        Backend::Postgres => {
            insert_unnest(
                tx,
                concat!(
                    "INSERT INTO members (",
                    member_columns!(),
                    ") SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], \
                     $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], \
                     $11::text[], $12::bigint[], $13::bigint[], $14::text[], $15::text[], \
                     $16::text[])"
                ),
                16,
                &rows,
                &push,
            )
            .await?;
        }
        Backend::Sqlite => {
            insert_rows(
                tx,
                concat!("INSERT INTO members (", member_columns!(), ")"),
                "",
                16,
                &rows,
                push,
            )
            .await?;
        }
    }
    Ok(())
}

/// Writes cadre posts: (person, organisation, post).
pub async fn insert_posts(tx: &mut Tx, rows: &[(i64, i64, &NewCadre)]) -> Result<(), StoreError> {
    let t = now();
    insert_rows(
        tx,
        "INSERT INTO cadre_posts (person_id, org_id, post, post_since, nature, party_committee, \
         created_at)",
        "",
        7,
        rows,
        |(person_id, org_id, c), v| {
            v.extend([
                Val::Int(*person_id),
                Val::Int(*org_id),
                Val::Text(c.post.label().to_string()),
                Val::OptText(c.post_since.map(|j| j.to_string())),
                Val::Text(c.nature.code().to_string()),
                Val::Int(i64::from(c.party_committee)),
                Val::Int(t),
            ])
        },
    )
    .await?;
    Ok(())
}

/// Fills in an existing account's personal fields from a record (empty fields keep theirs).
pub async fn update_profile(tx: &mut Tx, person_id: i64, p: &Profile) -> Result<(), StoreError> {
    crate::members::write_profile(tx, person_id, p).await
}

/// A member as exported: the stored codes, turned into labels by the caller.
#[derive(Debug, Clone, Default)]
pub struct MemberExport {
    pub person_id: i64,
    pub org_path: String,
    pub name: String,
    pub id_number: String,
    pub ethnicity: Option<String>,
    pub political_status: Option<String>,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    pub branch: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub qq: Option<String>,
    pub wechat: Option<String>,
    pub education_full_time: Option<String>,
    pub education_highest: Option<String>,
    pub occupation: Option<String>,
    pub work_unit: Option<String>,
    pub household_place: Option<String>,
    pub join_unit: Option<String>,
    pub party_applied: bool,
    pub party_applied_month: Option<String>,
    pub party_join_month: Option<String>,
    pub income: Option<String>,
    pub card_number: Option<String>,
    /// The member's first post in their own branch, if any.
    pub post: Option<CadreExport>,
}

/// A cadre post as exported.
#[derive(Debug, Clone, Default)]
pub struct CadreExport {
    pub post: String,
    pub post_since: Option<String>,
    pub nature: Option<String>,
    pub party_committee: bool,
}

macro_rules! profile_columns {
    () => {
        "p.name, p.id_number, p.ethnicity, p.political_status, p.phone, p.email, p.qq, p.wechat, \
         p.education_full_time, p.education_highest, p.occupation, p.work_unit, p.household_place"
    };
}

fn profile_into(r: &sqlx::any::AnyRow, e: &mut MemberExport) -> Result<(), StoreError> {
    e.name = r.try_get("name")?;
    e.id_number = r.try_get("id_number")?;
    e.ethnicity = r.try_get("ethnicity")?;
    e.political_status = r.try_get("political_status")?;
    e.phone = r.try_get("phone")?;
    e.email = r.try_get("email")?;
    e.qq = r.try_get("qq")?;
    e.wechat = r.try_get("wechat")?;
    e.education_full_time = r.try_get("education_full_time")?;
    e.education_highest = r.try_get("education_highest")?;
    e.occupation = r.try_get("occupation")?;
    e.work_unit = r.try_get("work_unit")?;
    e.household_place = r.try_get("household_place")?;
    Ok(())
}

/// Every exported field of the members `person_ids`, in that order.
pub async fn members_for_export(
    tx: &mut Tx,
    person_ids: &[i64],
) -> Result<Vec<MemberExport>, StoreError> {
    let rows = select_in(
        tx,
        concat!(
            "SELECT m.person_id, m.org_path, o.full_name AS branch, m.join_month, m.dev_number, \
             m.join_unit, m.party_applied, m.party_applied_month, m.party_join_month, m.income, \
             m.card_number, c.post, c.post_since, c.nature, c.party_committee, ",
            profile_columns!(),
            " FROM members m JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id \
             LEFT JOIN cadre_posts c ON c.id = (SELECT MIN(c2.id) FROM cadre_posts c2 \
             WHERE c2.person_id = m.person_id AND c2.org_id = m.org_id) \
             WHERE m.person_id IN"
        ),
        "",
        person_ids.iter().map(|&i| Val::Int(i)).collect(),
    )
    .await?;
    let mut by_id: HashMap<i64, MemberExport> = HashMap::with_capacity(rows.len());
    for r in &rows {
        let mut e = MemberExport {
            person_id: r.try_get("person_id")?,
            org_path: r.try_get("org_path")?,
            branch: r.try_get("branch")?,
            join_month: r.try_get("join_month")?,
            dev_number: r.try_get("dev_number")?,
            join_unit: r.try_get("join_unit")?,
            party_applied: r.try_get::<i64, _>("party_applied")? != 0,
            party_applied_month: r.try_get("party_applied_month")?,
            party_join_month: r.try_get("party_join_month")?,
            income: r.try_get("income")?,
            card_number: r.try_get("card_number")?,
            ..MemberExport::default()
        };
        profile_into(r, &mut e)?;
        let post: Option<String> = r.try_get("post")?;
        e.post = match post {
            Some(post) => Some(CadreExport {
                post,
                post_since: r.try_get("post_since")?,
                nature: r.try_get("nature")?,
                party_committee: r.try_get::<Option<i64>, _>("party_committee")?.unwrap_or(0) != 0,
            }),
            None => None,
        };
        by_id.insert(e.person_id, e);
    }
    Ok(person_ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .collect())
}

/// The cadres of one organisation with their posts, in order of entry: (profile, post).
pub async fn cadres_for_export(
    tx: &mut Tx,
    org_id: i64,
) -> Result<Vec<(MemberExport, CadreExport)>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT c.person_id, c.post, c.post_since, c.nature, c.party_committee, ",
        profile_columns!(),
        " FROM cadre_posts c JOIN people p ON p.id = c.person_id WHERE c.org_id = $1 ORDER BY c.id"
    ))
    .bind(org_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            let mut e = MemberExport {
                person_id: r.try_get("person_id")?,
                ..MemberExport::default()
            };
            profile_into(r, &mut e)?;
            let c = CadreExport {
                post: r.try_get("post")?,
                post_since: r.try_get("post_since")?,
                nature: r.try_get("nature")?,
                party_committee: r.try_get::<i64, _>("party_committee")? != 0,
            };
            Ok((e, c))
        })
        .collect()
}

/// The cadre posts `post_ids` with their holders, in that order: (organisation path,
/// profile, post). Posts that do not exist are left out.
pub async fn cadre_posts_for_export(
    tx: &mut Tx,
    post_ids: &[i64],
) -> Result<Vec<(String, MemberExport, CadreExport)>, StoreError> {
    let rows = select_in(
        tx,
        concat!(
            "SELECT c.id AS post_id, o.path AS org_path, c.person_id, c.post, c.post_since, \
             c.nature, c.party_committee, ",
            profile_columns!(),
            " FROM cadre_posts c JOIN people p ON p.id = c.person_id \
             JOIN orgs o ON o.id = c.org_id WHERE c.id IN"
        ),
        "",
        post_ids.iter().map(|&i| Val::Int(i)).collect(),
    )
    .await?;
    let mut by_id: HashMap<i64, (String, MemberExport, CadreExport)> = HashMap::new();
    for r in &rows {
        let mut e = MemberExport {
            person_id: r.try_get("person_id")?,
            ..MemberExport::default()
        };
        profile_into(r, &mut e)?;
        let c = CadreExport {
            post: r.try_get("post")?,
            post_since: r.try_get("post_since")?,
            nature: r.try_get("nature")?,
            party_committee: r.try_get::<i64, _>("party_committee")? != 0,
        };
        by_id.insert(r.try_get("post_id")?, (r.try_get("org_path")?, e, c));
    }
    Ok(post_ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert_eq!(groups(Backend::Postgres, 2, 2, 1), "($1, $2), ($3, $4)");
        assert_eq!(groups(Backend::Sqlite, 2, 1, 1), "(?, ?)");
        assert_eq!(in_list(Backend::Postgres, 3, 2), "$2, $3, $4");
        assert_eq!(in_list(Backend::Sqlite, 2, 1), "?, ?");
    }

    #[test]
    fn array_literals_quote_every_text_and_leave_null_bare() {
        let rows = [
            (1, Some(r#"他说"好"\走"#), "{a,b}"),
            (-2, None, ""),
            (30, Some("NULL"), "团支部, 第1"),
        ];
        let columns = array_literals(3, &rows, &|(n, t, u), v: &mut Vec<Val>| {
            v.extend([
                Val::Int(*n),
                Val::OptText(t.map(str::to_string)),
                Val::Text(u.to_string()),
            ])
        });
        assert_eq!(
            columns,
            vec![
                "{1,-2,30}".to_string(),
                r#"{"他说\"好\"\\走",NULL,"NULL"}"#.to_string(),
                r#"{"{a,b}","","团支部, 第1"}"#.to_string(),
            ]
        );
        let none: [(i64, Option<&str>, &str); 0] = [];
        let empty = array_literals(1, &none, &|_, v: &mut Vec<Val>| v.push(Val::Int(0)));
        assert_eq!(empty, vec!["{}".to_string()]);
    }

    #[test]
    fn runs_of_consecutive_ids() {
        assert_eq!(id_runs([]), vec![]);
        assert_eq!(id_runs([7]), vec![(7, 7)]);
        assert_eq!(
            id_runs([12, 10, 11, 11, 3, 14, 15, 1]),
            vec![(1, 1), (3, 3), (10, 12), (14, 15)]
        );
    }
}
