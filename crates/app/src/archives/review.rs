//! The direct superior of the member's branch certifies (认证) the archive or rejects it with
//! a reason; a rejected archive is replaced by the branch, a certified one is locked.

use tuanjian_domain::archive::{ArchiveStatus, REASON_MAX};
use tuanjian_domain::{Action, BoundedText, ErrorCode};
use tuanjian_store::archives::decide_archive_tx;

use super::still_member;
use crate::context::App;
use crate::fault::Fault;
use crate::leaving::member_for;
use crate::signed::Signed;

/// Certifies (`approve`) or rejects the member's waiting archive; its state after.
pub async fn review(
    app: &App,
    user: &Signed,
    person_id: i64,
    approve: bool,
    reason: Option<&str>,
) -> Result<ArchiveStatus, Fault> {
    let (_, member) = member_for(app, user, person_id, Action::ApproveArchive).await?;
    still_member(&member)?;
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        _ if approve => None,
        Some(r) => Some(
            BoundedText::<REASON_MAX>::parse(r, "退回原因")
                .map(BoundedText::into_string)
                .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("reason"))?,
        ),
        None => {
            return Err(Fault::bad_request(
                ErrorCode::CommentRequired,
                "退回时请填写退回原因，说明档案哪里不符合要求（如扫描不清、页数不全、不是本人的志愿书），团支部据此重新上传",
            )
            .field("reason"));
        }
    };
    let mut tx = app.store.begin().await?;
    let after = decide_archive_tx(
        &mut tx,
        &user.actor(),
        person_id,
        member.branch.id,
        approve,
        reason.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
