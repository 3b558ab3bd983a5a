//! Exporting the rows ticked in the member or cadre list (导出所选) in the columns of the import
//! templates, like the whole list's export (`export`): audited, full ID numbers only where the
//! admin's scope covers them. Every ticked row must lie in the listed organisation's subtree;
//! otherwise nothing is exported.

use tuanjian_domain::{ErrorCode, OrgPath};
use tuanjian_store::member_bulk;
use tuanjian_store::orgs::Org;

use super::access::view_target;
use super::columns::Kind;
use super::export::{export_sheet, id_for, values};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

fn inside(org: &Org, path: &str) -> bool {
    OrgPath::parse(path).is_ok_and(|p| org.path.contains(&p))
}

fn not_all_found(what: &str) -> Fault {
    Fault::new(
        ErrorCode::NotFound,
        format!(
            "所选{what}中有的不存在，或不在本组织范围内，没有导出任何记录；请刷新列表后重新勾选"
        ),
    )
}

/// The ticked members (`person_ids`, read with `members::selection::selected`) of `org`'s
/// subtree, in that order, as the members template.
pub async fn selected_members_xlsx(
    app: &App,
    user: &Signed,
    org_id: i64,
    person_ids: &[i64],
) -> Result<(Org, Vec<u8>), Fault> {
    let (scope, org) = view_target(app, user, org_id).await?;
    let mut tx = app.store.begin_read().await?;
    let records = member_bulk::members_for_export(&mut tx, person_ids).await?;
    tx.rollback().await?;
    if records.len() != person_ids.len() || !records.iter().all(|e| inside(&org, &e.org_path)) {
        return Err(not_all_found("团员"));
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|e| {
            let id = id_for(&scope, Some(&e.org_path), &e.id_number);
            values(Kind::Members, e, id, e.post.as_ref())
        })
        .collect();
    let after = serde_json::json!({ "rows": rows.len(), "selected": person_ids });
    export_sheet(app, user, scope, org, Kind::Members, rows, after).await
}

/// The ticked cadre posts (`post_ids`) of `org`'s subtree, in that order, as the cadres
/// template.
pub async fn selected_cadres_xlsx(
    app: &App,
    user: &Signed,
    org_id: i64,
    post_ids: &[i64],
) -> Result<(Org, Vec<u8>), Fault> {
    let (scope, org) = view_target(app, user, org_id).await?;
    let mut tx = app.store.begin_read().await?;
    let records = member_bulk::cadre_posts_for_export(&mut tx, post_ids).await?;
    tx.rollback().await?;
    if records.len() != post_ids.len() || !records.iter().all(|(p, _, _)| inside(&org, p)) {
        return Err(not_all_found("团干部"));
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|(path, e, c)| {
            let id = id_for(&scope, Some(path), &e.id_number);
            values(Kind::Cadres, e, id, Some(c))
        })
        .collect();
    let after = serde_json::json!({ "rows": rows.len(), "selected": post_ids });
    export_sheet(app, user, scope, org, Kind::Cadres, rows, after).await
}
