//! 团组织关系转接 (issue 12): a member's record moves to another branch. Started by the member,
//! by the sending side's admin (办理转出, one member or many at once) or by the receiving
//! side's (办理转入); the sending side approves, then the receiving side (参军: its provincial
//! committee), which assigns a branch when it is not one; either side returns with a comment;
//! the starter withdraws; a request left too long lapses. Pages and API call these functions.

pub mod decide;
pub mod lapse;
pub mod lists;
pub mod start;
pub mod view;

use tuanjian_domain::transfer::{TransferInputFault, TransferRequest};
use tuanjian_domain::{Action, ActorRole, ErrorCode, authorize};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use crate::authority;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The signed-in admin's scope; transfers other than one's own are admin work.
pub(crate) async fn admin_scope(app: &App, user: &Signed) -> Result<AdminScope, Fault> {
    authority::admin_scope(
        app,
        user,
        "只有组织管理员可以办理组织关系转接，请在首页切换到管理员身份；团员本人请在个人中心申请转接",
    )
    .await
}

/// The permission rules' answer for `action` on an organisation at `path`.
pub(crate) fn permit(scope: &AdminScope, action: Action, org: &Org) -> Result<(), Fault> {
    authorize(action, ActorRole::Admin(scope.relation_to(&org.path))).map_err(Fault::from)
}

/// A request's faults as one fault: the first field's code and field, every message.
pub(crate) fn input_fault(faults: Vec<TransferInputFault>) -> Fault {
    let message = faults
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join("；");
    let first = &faults[0];
    Fault::bad_request(first.code, message).field(first.field)
}

pub(crate) fn parse_request(
    input: &tuanjian_domain::transfer::TransferInput,
) -> Result<TransferRequest, Fault> {
    TransferRequest::parse(input).map_err(input_fault)
}

/// A comment for a return: required, bounded, one block of text.
pub fn return_comment(raw: &str) -> Result<String, Fault> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Fault::new(
            ErrorCode::CommentRequired,
            "退回时请填写退回意见，说明原因和需要怎样修改",
        )
        .field("comment"));
    }
    tuanjian_domain::BoundedText::<500>::parse(raw, "退回意见")
        .map(|t| t.into_string())
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("comment"))
}
