//! Exporting the member list (with its filters) and an organisation's cadres to .xlsx in the
//! columns of the import templates, so an exported file imports back unchanged. Every export is
//! in the audit log; ID numbers are exported in full only where the admin's scope covers them.

use tuanjian_domain::ErrorCode;
use tuanjian_domain::MemberField;
use tuanjian_domain::enums::{
    CadreNature, Choice, Education, Ethnicity, Occupation, PoliticalStatus,
};
use tuanjian_domain::leaving::Standing;
use tuanjian_domain::{IdNumber, OrgPath};
use tuanjian_sheet::write_filled;
use tuanjian_store::audit::{self, AuditEntry};
use tuanjian_store::member_bulk::{self, CadreExport, MemberExport};
use tuanjian_store::members::{MemberFilter, MemberQuery, MemberSort};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use super::access::view_target;
use super::check::Target;
use super::columns::Kind;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The member list's filters as its query gives them, checked by the export.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Part of the name.
    pub name: Option<String>,
    /// The ID number or a part of it.
    pub id_number: Option<String>,
    /// Year joined, e.g. 2019.
    pub join_year: Option<String>,
    /// Empty for members only; `left`, `all`, or a 团籍状态 code such as `aged_out`.
    pub status: Option<String>,
    /// `1` for records that break an entry rule only.
    pub faulty: Option<String>,
    /// org (default), name, join_desc, join_asc.
    pub sort: Option<String>,
}

fn filter_of(q: &ListFilter) -> Result<(MemberFilter, MemberSort), Fault> {
    let join_year = match q.join_year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1922..=2100).contains(y))
                .ok_or_else(|| {
                    Fault::new(ErrorCode::QueryInvalid, "入团年份应为四位数字，如 2019")
                        .field("join_year")
                })?,
        ),
    };
    let sort = MemberSort::parse(q.sort.as_deref().unwrap_or("")).ok_or_else(|| {
        Fault::new(
            ErrorCode::QueryInvalid,
            "排序方式只能是 org、name、join_desc 或 join_asc",
        )
        .field("sort")
    })?;
    let faulty = matches!(q.faulty.as_deref(), Some("1" | "true" | "on"));
    let standing = Standing::parse(q.status.as_deref().unwrap_or("")).map_err(|e| {
        Fault::new(
            ErrorCode::StatusInvalid,
            format!("{e}；也可以填 left（已离团）或 all（全部），不填只导出团员"),
        )
        .field("status")
    })?;
    Ok((
        MemberFilter {
            name: q.name.clone().filter(|s| !s.trim().is_empty()),
            id_number: q.id_number.clone().filter(|s| !s.trim().is_empty()),
            join_year,
            standing,
            faulty,
        },
        sort,
    ))
}

fn label<C: Choice>(code: &Option<String>) -> String {
    code.as_deref()
        .map(|c| {
            C::parse(c)
                .map(|x| x.label().to_string())
                .unwrap_or_else(|_| c.to_string())
        })
        .unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The ID number in full where the scope covers the record, masked elsewhere.
pub(super) fn id_for(scope: &AdminScope, org_path: Option<&str>, id: &str) -> String {
    let covered = org_path
        .and_then(|p| OrgPath::parse(p).ok())
        .is_some_and(|p| scope.covers(&p));
    if covered {
        id.to_string()
    } else {
        IdNumber::parse(id).map(|i| i.masked()).unwrap_or_default()
    }
}

/// One exported row in the columns of the template of `kind`.
pub(super) fn values(
    kind: Kind,
    e: &MemberExport,
    id: String,
    post: Option<&CadreExport>,
) -> Vec<String> {
    use MemberField as F;
    kind.fields()
        .iter()
        .map(|f| match f {
            F::Name => e.name.clone(),
            F::IdNumber => id.clone(),
            F::Ethnicity => label::<Ethnicity>(&e.ethnicity),
            F::PoliticalStatus => label::<PoliticalStatus>(&e.political_status),
            F::JoinMonth => text(&e.join_month),
            F::DevNumber => text(&e.dev_number),
            F::Branch => e.branch.clone(),
            F::Phone => text(&e.phone),
            F::Email => text(&e.email),
            F::Qq => text(&e.qq),
            F::Wechat => text(&e.wechat),
            F::FullTimeEducation => label::<Education>(&e.education_full_time),
            F::HighestEducation => label::<Education>(&e.education_highest),
            F::Occupation => label::<Occupation>(&e.occupation),
            F::WorkUnit => text(&e.work_unit),
            F::HouseholdPlace => text(&e.household_place),
            F::JoinUnit => text(&e.join_unit),
            F::PartyApplied => yes_no(e.party_applied),
            F::PartyAppliedMonth => text(&e.party_applied_month),
            F::PartyJoinMonth => text(&e.party_join_month),
            F::Income => text(&e.income),
            F::CardNumber => text(&e.card_number),
            F::Post => post.map(|p| p.post.clone()).unwrap_or_default(),
            F::PostSince => post.map(|p| text(&p.post_since)).unwrap_or_default(),
            F::CadreNature => post
                .map(|p| label::<CadreNature>(&p.nature))
                .unwrap_or_default(),
            F::PartyCommittee => post.map(|p| yes_no(p.party_committee)).unwrap_or_default(),
            _ => String::new(),
        })
        .collect()
}

/// The members of `org`'s subtree matching the list's filters, as the members template.
pub async fn members_xlsx(
    app: &App,
    user: &Signed,
    org_id: i64,
    q: &ListFilter,
) -> Result<(Org, Vec<u8>), Fault> {
    let (scope, org) = view_target(app, user, org_id).await?;
    let (filter, sort) = filter_of(q)?;
    let query = MemberQuery::within(&scope, &org, &filter).ok_or_else(Fault::not_found)?;
    // From the replica when it may serve (`Store::replica_read`).
    let reads = app.store.replica_read().await?;
    let ids = reads.member_ids(&query, sort).await?;
    let mut tx = reads.begin_read().await?;
    let records = member_bulk::members_for_export(&mut tx, &ids).await?;
    tx.rollback().await?;
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|e| {
            let id = id_for(&scope, Some(&e.org_path), &e.id_number);
            values(Kind::Members, e, id, e.post.as_ref())
        })
        .collect();
    let after = serde_json::json!({
        "rows": rows.len(),
        "name": filter.name,
        "id_number": filter.id_number.is_some(),
        "join_year": filter.join_year,
        "status": filter.standing.code(),
        "faulty": filter.faulty,
        "sort": sort.code(),
    });
    export_sheet(app, user, scope, org, Kind::Members, rows, after).await
}

/// The cadres of `org` itself, as the cadres template.
pub async fn cadres_xlsx(app: &App, user: &Signed, org_id: i64) -> Result<(Org, Vec<u8>), Fault> {
    let (scope, org) = view_target(app, user, org_id).await?;
    let mut tx = app.store.replica_read().await?.begin_read().await?;
    let records = member_bulk::cadres_for_export(&mut tx, org.id).await?;
    tx.rollback().await?;
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|(e, c)| {
            let id = id_for(&scope, Some(org.path.as_str()), &e.id_number);
            values(Kind::Cadres, e, id, Some(c))
        })
        .collect();
    let after = serde_json::json!({ "rows": rows.len() });
    export_sheet(app, user, scope, org, Kind::Cadres, rows, after).await
}

/// Writes `rows` as `kind`'s template of `org` and records the export (`member.export` or
/// `cadre.export`, with `after` saying what was asked): every export of lists ends here.
pub(super) async fn export_sheet(
    app: &App,
    user: &Signed,
    scope: AdminScope,
    org: Org,
    kind: Kind,
    rows: Vec<Vec<String>>,
    after: serde_json::Value,
) -> Result<(Org, Vec<u8>), Fault> {
    let action = match kind {
        Kind::Members => "member.export",
        Kind::Cadres => "cadre.export",
    };
    let target = Target::load(&app.store, scope, org.clone(), kind).await?;
    let bytes = write_sheet(target, rows).await?;
    let mut tx = app.store.begin().await?;
    audit::record(
        &mut tx,
        &user.actor(),
        AuditEntry::new(action).org(org.id).after(after),
    )
    .await?;
    tx.commit().await?;
    Ok((org, bytes))
}

pub(super) async fn write_sheet(target: Target, rows: Vec<Vec<String>>) -> Result<Vec<u8>, Fault> {
    tokio::task::spawn_blocking(move || {
        let mut t = target.template();
        // The drop-downs reach as far as the data.
        t.max_rows = t.max_rows.max(rows.len());
        write_filled(&t, &rows)
    })
    .await
    .map_err(Fault::internal)?
    .map_err(Fault::internal)
}
