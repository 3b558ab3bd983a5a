//! Reset codes for the cadres ticked in the cadre list (重置密码): the list ticks posts, so the
//! posts are read back to their people first — every one in the listed organisation's subtree,
//! else nothing — and then the members' bulk use case (`issue_many`) issues the codes, all or
//! none, under the same rules (own or direct superior organisation; never an admin from beside
//! or below).

use std::collections::HashSet;

use tuanjian_domain::{ErrorCode, OrgPath};
use tuanjian_store::member_bulk;

use super::issue::Issued;
use super::issue_many::issue_many;
use crate::context::App;
use crate::fault::Fault;
use crate::member_import::access::view_target;
use crate::signed::Signed;

/// Codes for the holders of `post_ids` (read with `members::selection::selected`) of `org_id`'s
/// subtree, one per person (someone holding two ticked posts gets one code), in list order.
pub async fn issue_for_posts(
    app: &App,
    user: &Signed,
    org_id: i64,
    post_ids: &[i64],
) -> Result<Vec<Issued>, Fault> {
    let (_, org) = view_target(app, user, org_id).await?;
    let mut tx = app.store.begin_read().await?;
    let posts = member_bulk::cadre_posts_for_export(&mut tx, post_ids).await?;
    tx.rollback().await?;
    let inside = |path: &str| OrgPath::parse(path).is_ok_and(|p| org.path.contains(&p));
    if posts.len() != post_ids.len() || !posts.iter().all(|(path, _, _)| inside(path)) {
        return Err(Fault::new(
            ErrorCode::NotFound,
            "所选团干部中有的不存在，或不在本组织范围内，没有生成任何重置码；请刷新列表后重新勾选",
        ));
    }
    let mut seen = HashSet::new();
    let people: Vec<i64> = posts
        .iter()
        .map(|(_, e, _)| e.person_id)
        .filter(|id| seen.insert(*id))
        .collect();
    issue_many(app, user, &people).await
}
