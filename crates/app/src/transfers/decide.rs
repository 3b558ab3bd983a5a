//! Deciding a transfer: the sending side approves (one or a page at once), then the receiving
//! side approves and assigns a branch (参军: the receiving province's committee); either side
//! returns with a comment; the starter withdraws.

use tuanjian_domain::transfer::TransferStatus;
use tuanjian_domain::{Action, ActorRole, ErrorCode, OrgLevel, OrgPath, authorize};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::transfers::{self, Completed, Outcome, Transfer};
use tuanjian_store::{StoreError, Tx};

use super::{admin_scope, return_comment};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Most requests one decision may cover (a page of the list).
pub const DECIDE_LIMIT: usize = 1_000;

fn permit_at(scope: &AdminScope, action: Action, path: &OrgPath) -> Result<(), Fault> {
    authorize(action, ActorRole::Admin(scope.relation_to(path))).map_err(Fault::from)
}

/// The sending side's permission on a request; a request the admin cannot see at all is
/// not found, one the admin sees from the receiving side says who decides.
pub(crate) fn may_decide_out(scope: &AdminScope, t: &Transfer) -> Result<(), Fault> {
    if scope.covers(&t.from_path) {
        return permit_at(scope, Action::DecideTransferOut, &t.from_path);
    }
    if t.to_path.as_ref().is_some_and(|p| scope.covers(p)) {
        return Err(Fault::new(
            ErrorCode::OutOfScope,
            format!(
                "转出方审批由{}或其上级组织的管理员办理，接收组织请等待转出方审批通过后再审批",
                t.from_org_name
            ),
        ));
    }
    Err(Fault::not_found())
}

/// The receiving side's permission: its admins, and for 参军 its provincial committee's.
pub(crate) fn may_decide_in(scope: &AdminScope, t: &Transfer) -> Result<(), Fault> {
    let Some(to_path) = t.to_path.as_ref().filter(|p| scope.covers(p)) else {
        if scope.covers(&t.from_path) {
            return Err(Fault::new(
                ErrorCode::OutOfScope,
                format!("接收方审批由{}或其上级组织的管理员办理", t.to_org_name),
            ));
        }
        return Err(Fault::not_found());
    };
    permit_at(scope, Action::DecideTransferIn, to_path)?;
    if t.reason.reviewed_by_province() && scope.org().level > OrgLevel::Provincial {
        return Err(Fault::new(
            ErrorCode::TransferProvinceReview,
            "参军的组织关系转接由接收组织所在的省级团委审核，请联系省级团委管理员",
        ));
    }
    Ok(())
}

/// The branch a receiving organisation puts the member in: itself when it is a branch,
/// otherwise the branch chosen below it.
pub(crate) async fn assigned_branch(
    tx: &mut Tx,
    scope: &AdminScope,
    to: &Org,
    branch_id: Option<i64>,
) -> Result<Org, Fault> {
    if to.kind.is_branch() {
        return Ok(to.clone());
    }
    let Some(branch_id) = branch_id else {
        return Err(Fault::bad_request(
            ErrorCode::TransferBranchRequired,
            format!("{}不是团支部，请选择团员转入的团支部", to.full_name),
        )
        .field("branch_id"));
    };
    let invalid = || {
        Fault::bad_request(
            ErrorCode::TransferBranchInvalid,
            format!("所选组织不是{}之下的团支部，请重新选择", to.full_name),
        )
        .field("branch_id")
    };
    let branch = match transfers::org_tx(tx, branch_id).await {
        Ok(b) => b,
        Err(StoreError::NotFound) => return Err(invalid()),
        Err(e) => return Err(e.into()),
    };
    if !branch.kind.is_branch() || !to.path.contains(&branch.path) || !scope.covers(&branch.path) {
        return Err(invalid());
    }
    Ok(branch)
}

fn check_count(n: usize) -> Result<(), Fault> {
    if n == 0 {
        return Err(Fault::bad_request(ErrorCode::BadRequest, "请至少选择一项转接").field("ids"));
    }
    if n > DECIDE_LIMIT {
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            format!("一次最多审批{DECIDE_LIMIT}项转接，请分批审批"),
        )
        .field("ids"));
    }
    Ok(())
}

/// The sending side approves each request.
pub async fn approve_out(app: &App, user: &Signed, ids: &[i64]) -> Result<Vec<Outcome>, Fault> {
    let scope = admin_scope(app, user).await?;
    check_count(ids.len())?;
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    for &id in ids {
        let t = transfers::transfer_in_tx(&mut tx, id).await?;
        may_decide_out(&scope, &t)?;
    }
    let outcomes = transfers::approve_out(&mut tx, &actor, user.person.id, ids).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// The receiving side approves each request, with the branch for each (`None` when the
/// receiving organisation is a branch itself).
pub async fn approve_in(
    app: &App,
    user: &Signed,
    items: &[(i64, Option<i64>)],
) -> Result<Vec<Completed>, Fault> {
    let scope = admin_scope(app, user).await?;
    check_count(items.len())?;
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let mut assigned = Vec::with_capacity(items.len());
    for &(id, branch_id) in items {
        let t = transfers::transfer_in_tx(&mut tx, id).await?;
        may_decide_in(&scope, &t)?;
        let Some(to_id) = t.to_org_id else {
            return Err(Fault::new(
                ErrorCode::TransferNotPending,
                format!("转接（编号 {id}）没有接收组织，不需要接收方审批"),
            ));
        };
        let to = transfers::org_tx(&mut tx, to_id).await?;
        assigned.push((id, assigned_branch(&mut tx, &scope, &to, branch_id).await?));
    }
    let done = transfers::approve_in(&mut tx, &actor, user.person.id, &assigned).await?;
    tx.commit().await?;
    Ok(done)
}

/// Either side returns a request at its own step, with a comment for the starter.
pub async fn return_transfer(
    app: &App,
    user: &Signed,
    id: i64,
    comment: &str,
) -> Result<(), Fault> {
    let scope = admin_scope(app, user).await?;
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let t = transfers::transfer_in_tx(&mut tx, id).await?;
    let stage = t.status;
    match stage {
        TransferStatus::PendingOut => may_decide_out(&scope, &t)?,
        TransferStatus::PendingIn => may_decide_in(&scope, &t)?,
        _ => {
            super::view::visible_to_admin(&scope, &t)?;
            return Err(Fault::new(
                ErrorCode::TransferNotPending,
                format!("该转接已{}，不能再退回", t.status.label()),
            ));
        }
    }
    let comment = return_comment(comment)?;
    transfers::return_transfer(&mut tx, &actor, user.person.id, id, stage, &comment).await?;
    tx.commit().await?;
    Ok(())
}

/// The starter takes back a request still waiting.
pub async fn withdraw(app: &App, user: &Signed, id: i64) -> Result<(), Fault> {
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let t = transfers::transfer_in_tx(&mut tx, id).await?;
    super::view::visible(app, user, &t).await?;
    if t.started_by != user.person.id {
        return Err(Fault::new(
            ErrorCode::TransferNotStarter,
            format!("这份转接由{}发起，只有发起人可以撤回", t.started_by_name),
        ));
    }
    transfers::withdraw(&mut tx, &actor, user.person.id, id).await?;
    tx.commit().await?;
    Ok(())
}
