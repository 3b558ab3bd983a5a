//! 毕业生团员: a 毕业生团组织's members sorted out for the bulk transfer — those to transfer
//! now, late graduates held back, and those whose transfer is already under way.

use tuanjian_domain::graduation::GraduationMark;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::graduation::Graduates;
use tuanjian_store::orgs::Org;

use super::this_month;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// A graduating branch with its members sorted out.
pub struct GraduatingBranch {
    pub org: Org,
    pub graduates: Graduates,
    /// The branch's mark and when the daily run converted it.
    pub mark: Option<(GraduationMark, Option<i64>)>,
}

impl GraduatingBranch {
    /// The bulk transfer page with the members to transfer chosen.
    pub fn transfer_url(&self) -> String {
        let ids: Vec<String> = self
            .graduates
            .ready
            .iter()
            .map(|g| g.person_id.to_string())
            .collect();
        format!(
            "/orgs/{}/transfers/out/new?person_ids={}",
            self.org.id,
            ids.join(",")
        )
    }
}

/// The members of the branch `org_id`, which the admin may see (any branch: before its month
/// the list shows who is marked late).
pub async fn list(app: &App, user: &Signed, org_id: i64) -> Result<GraduatingBranch, Fault> {
    let (_, org) = crate::org_setup::admin_target(app, user, org_id, Action::ViewMembers).await?;
    if !org.kind.is_branch() {
        return Err(Fault::new(
            ErrorCode::GraduationNotAllowed,
            format!(
                "{}不是团支部，团员都在团支部；请在“毕业班管理”中选择团支部查看其毕业生名单",
                org.full_name
            ),
        ));
    }
    let graduates = app.store.graduates(org.id, this_month()).await?;
    let mark = app.store.graduation_mark(org.id).await?;
    Ok(GraduatingBranch {
        org,
        graduates,
        mark,
    })
}
