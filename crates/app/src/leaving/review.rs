//! The superior (the branch's direct superior) approves or returns what waits: a 自行脱团 or
//! 开除团籍 decision, or a request to restore. A return needs a comment.

use tuanjian_domain::{Action, ErrorCode, MembershipStatus};
use tuanjian_store::leaving::steps::review_tx;

use super::{member_for, text};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Approves (`approve`) or returns the member's waiting step; the member's state after it.
pub async fn review(
    app: &App,
    user: &Signed,
    person_id: i64,
    approve: bool,
    comment: Option<&str>,
) -> Result<MembershipStatus, Fault> {
    member_for(app, user, person_id, Action::ApproveLeaving).await?;
    let comment = match comment.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(text(c, "comment", "审批意见")?),
        None if approve => None,
        None => {
            return Err(Fault::bad_request(
                ErrorCode::CommentRequired,
                "退回时请填写退回意见，说明团支部需要补充或更正什么",
            )
            .field("comment"));
        }
    };
    let mut tx = app.store.begin().await?;
    let after = review_tx(
        &mut tx,
        &user.actor(),
        person_id,
        approve,
        comment.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
