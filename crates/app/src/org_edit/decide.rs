//! Deciding a pending information change: the direct superior approves or returns it, the
//! own admin withdraws it.

use tuanjian_domain::{Action, BoundedText, ErrorCode};
use tuanjian_store::org_changes::{self, ChangeStatus, Decision, InfoChanges};
use tuanjian_store::orgs::Org;

use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::org_edit::access::require;
use crate::org_edit::input::{COMMENT_MAX, InfoInput, validate};
use crate::org_edit::save::{commit, store_fault};
use crate::signed::Signed;

pub fn decision_action(d: Decision) -> Action {
    match d {
        Decision::Approve | Decision::Return => Action::DecideInfoChange,
        Decision::Withdraw => Action::RequestInfoChange,
    }
}

fn comment_of(d: Decision, raw: Option<&str>) -> Result<Option<String>, Fault> {
    let raw = raw.map(str::trim).unwrap_or("");
    let label = match d {
        Decision::Return => "退回意见",
        Decision::Approve => "审批意见",
        Decision::Withdraw => "撤回说明",
    };
    if raw.is_empty() {
        return if d == Decision::Return {
            Err(Fault::new(
                ErrorCode::CommentRequired,
                "退回时请填写退回意见，说明需要怎样修改，本组织管理员会看到",
            )
            .field("comment"))
        } else {
            Ok(None)
        };
    }
    BoundedText::<COMMENT_MAX>::parse(raw, label)
        .map(|t| Some(t.into_string()))
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("comment"))
}

/// Approves, returns or withdraws a pending request of `org`.
pub async fn decide(
    app: &App,
    user: &Signed,
    authority: &Authority,
    org: &Org,
    change_id: i64,
    decision: Decision,
    comment: Option<&str>,
) -> Result<(), Fault> {
    require(decision_action(decision), authority, org)?;
    let change = app.store.org_change(org.id, change_id).await?;
    let comment = comment_of(decision, comment)?;
    if decision == Decision::Approve && change.status == ChangeStatus::Pending {
        // Checked again: rules or the organisation may have changed since it was asked for.
        let again = InfoInput::from_changes(&change.changes);
        if let Err(errors) = validate(&again, org, &InfoChanges::default()) {
            let why = errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("；");
            return Err(Fault::new(
                ErrorCode::ChangeInvalidNow,
                format!("这份申请的内容已不符合现在的要求：{why}。请退回，由本组织重新提交"),
            ));
        }
    }
    let mut tx = app.store.begin().await?;
    org_changes::decide(
        &mut tx,
        &user.actor(),
        org.id,
        change_id,
        decision,
        comment.as_deref(),
    )
    .await
    .map_err(|e| approval_fault(decision, store_fault(e)))?;
    commit(tx).await
}

/// A request that no longer applies when the superior approves it (the name was taken since,
/// the kind no longer fits the parent or the children …): the rule's own words, said to be
/// why it cannot be approved now and what to do. The request stays pending.
fn approval_fault(decision: Decision, fault: Fault) -> Fault {
    let stale = matches!(
        fault.code,
        ErrorCode::OrgNameTaken
            | ErrorCode::OrgKindNotAllowed
            | ErrorCode::OrgKindInvalid
            | ErrorCode::OrgKindChildren
            | ErrorCode::BranchHasMembers
            | ErrorCode::SecretaryNameMismatch
    );
    if decision != Decision::Approve || !stale {
        return fault;
    }
    let message = format!(
        "这份申请现在不能批准：{}。申请仍在等待审批，请退回并在退回意见中说明，由本组织修改后重新提交",
        fault.message.trim_end_matches('。')
    );
    Fault { message, ..fault }
}
