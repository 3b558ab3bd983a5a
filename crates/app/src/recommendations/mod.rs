//! 推优入党 (issue 15, part 2): the branch records a recommendation and later the confirmation,
//! each with its date and scanned form (`steps::record`); the direct superior approves or
//! returns each (`steps::decide`); the branch records the 入党 month (`steps::joined`). A
//! member's record with what the viewer may do (`view`), the forms as downloads (`form_file`),
//! and the lists of a subtree and of what waits (`lists`). Rules: `tuanjian_domain::recommendation`.

pub mod lists;
pub mod steps;

use tuanjian_domain::Action;
use tuanjian_domain::recommendation::Stage;
use tuanjian_store::files::StoredFile;
use tuanjian_store::leaving::Standing;
use tuanjian_store::recommendations::Recommendation;

use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::leaving::member_for;
use crate::org_admin::permit;
use crate::signed::Signed;

/// A member's 推优入党 as an admin in scope sees it.
pub struct RecView {
    pub authority: Authority,
    pub member: Standing,
    pub rec: Option<Recommendation>,
    /// The viewer is the branch's own admin (records the steps).
    pub may_record: bool,
    /// The viewer is the branch's direct superior (approves or returns).
    pub may_decide: bool,
}

pub async fn view(app: &App, user: &Signed, person_id: i64) -> Result<RecView, Fault> {
    let (authority, member) = member_for(app, user, person_id, Action::ViewMembers).await?;
    let rec = app.store.recommendation(person_id).await?;
    let may_record = permit(&authority, Action::RecommendToParty, &member.branch).is_ok();
    let may_decide = permit(&authority, Action::ApproveRecommendation, &member.branch).is_ok();
    Ok(RecView {
        authority,
        member,
        rec,
        may_record,
        may_decide,
    })
}

/// The form of a step, for the member and the admins whose scope holds the member's branch;
/// anyone else (and a step without a form) is `NotFound`.
pub async fn form_file(
    app: &App,
    user: &Signed,
    person_id: i64,
    stage: Stage,
) -> Result<StoredFile, Fault> {
    if user.person.id != person_id {
        member_for(app, user, person_id, Action::ViewMembers)
            .await
            .map_err(|f| {
                if f.status == 403 {
                    Fault::not_found()
                } else {
                    f
                }
            })?;
    }
    let rec = app
        .store
        .recommendation(person_id)
        .await?
        .ok_or_else(Fault::not_found)?;
    let id = match stage {
        Stage::Recommend => Some(rec.recommend_file_id),
        Stage::Confirm => rec.confirm_file_id,
    }
    .ok_or_else(Fault::not_found)?;
    app.store
        .stored_file(id)
        .await?
        .ok_or_else(Fault::not_found)
}
