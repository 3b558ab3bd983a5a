//! Starting a transfer: by the member (个人中心), by the sending side (办理转出, one member or a
//! page of a branch at once, one reason and one destination) or by the receiving side (办理转入,
//! naming the member by name and ID number and, below a 团委, the branch).

use tuanjian_domain::transfer::{Destination, TransferInput, TransferStarter};
use tuanjian_domain::{Action, ErrorCode, OrgLevel};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::{AdminScope, ViewScope};
use tuanjian_store::transfers::{self, NewTransfer};
use tuanjian_store::{StoreError, Tx};

use super::{admin_scope, parse_request, permit};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Most requests one page may start at once (a graduating class).
pub const BULK_LIMIT: usize = 1_000;

/// The receiving organisation of an in-system request, read in the transaction: never at
/// provincial level or above (a member belongs to a branch, through its 团委).
async fn receiving_org(tx: &mut Tx, org_id: i64) -> Result<Org, Fault> {
    let org = transfers::org_tx(tx, org_id).await.map_err(|e| match e {
        StoreError::NotFound => Fault::bad_request(
            ErrorCode::TransferDestinationInvalid,
            "没有找到所选的接收组织，请重新按全称查找并选择",
        )
        .field("to_org_id"),
        other => other.into(),
    })?;
    if org.level <= OrgLevel::Provincial {
        return Err(Fault::bad_request(
            ErrorCode::TransferDestinationInvalid,
            format!(
                "{}是{}，不直接接收团员；请选择团员要去的学校、单位或乡镇（街道）的团组织",
                org.full_name,
                org.level.label()
            ),
        )
        .field("to_org_id"));
    }
    Ok(org)
}

/// The member starts a transfer of their own record.
pub async fn by_member(app: &App, user: &Signed, input: &TransferInput<'_>) -> Result<i64, Fault> {
    let request = parse_request(input)?;
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let to = match request.destination {
        Destination::Org(id) => Some(receiving_org(&mut tx, id).await?),
        Destination::OwnSystem { .. } => None,
    };
    let id = transfers::start(
        &mut tx,
        &actor,
        &NewTransfer {
            person_id: user.person.id,
            request: &request,
            to: to.as_ref(),
            starter: TransferStarter::Member,
            started_by: user.person.id,
            approved_in_to: None,
            lapse_days: app.config.transfer_lapse_days,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::NotFound => Fault::new(
            ErrorCode::TransferNotMember,
            "您没有团员档案（不是团员），不能申请组织关系转接；如有疑问请联系所在团组织",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// A member's branch, below `org` (in the admin's scope), that the admin may transfer out of.
async fn sending_branch(
    tx: &mut Tx,
    scope: &AdminScope,
    org: &Org,
    person_id: i64,
) -> Result<Org, Fault> {
    let (branch, _) = match transfers::member_for_transfer(tx, person_id).await {
        Err(StoreError::NotFound) => {
            return Err(Fault::new(
                ErrorCode::TransferNotMember,
                format!("所选人员（编号 {person_id}）不是团员，不能办理组织关系转接"),
            ));
        }
        other => other?,
    };
    if !scope.covers(&branch.path) || !org.path.contains(&branch.path) {
        return Err(Fault::new(
            ErrorCode::OutOfScope,
            format!(
                "所选团员（编号 {person_id}）不在{}，请在团员所在组织办理转出",
                org.full_name
            ),
        ));
    }
    permit(scope, Action::StartTransferOut, &branch)?;
    Ok(branch)
}

/// The organisation 办理转出 starts from, in the admin's scope.
async fn sending_org(app: &App, scope: &AdminScope, org_id: i64) -> Result<Org, Fault> {
    let org = app
        .store
        .org_in_scope(&ViewScope::Subtree(scope.clone()), org_id)
        .await?;
    permit(scope, Action::StartTransferOut, &org)?;
    Ok(org)
}

/// Members listed on one 办理转出 form.
pub const OUT_FORM_LIMIT: i64 = 1_000;

/// What the 办理转出 form offers: the organisation's members (a branch's, or every branch's
/// below), those with an open request marked.
pub struct OutForm {
    pub org: Org,
    pub members: Vec<transfers::Transferable>,
}

pub async fn out_form(app: &App, user: &Signed, org_id: i64) -> Result<OutForm, Fault> {
    let scope = admin_scope(app, user).await?;
    let org = sending_org(app, &scope, org_id).await?;
    let members = app
        .store
        .transferable_members(&org.path, OUT_FORM_LIMIT)
        .await?;
    Ok(OutForm { org, members })
}

/// 办理转出: one request for each member, with one reason and one destination, in one
/// transaction (all or none).
pub async fn out(
    app: &App,
    user: &Signed,
    org_id: i64,
    person_ids: &[i64],
    input: &TransferInput<'_>,
) -> Result<Vec<i64>, Fault> {
    let scope = admin_scope(app, user).await?;
    let org = sending_org(app, &scope, org_id).await?;
    if person_ids.is_empty() {
        return Err(
            Fault::bad_request(ErrorCode::BadRequest, "请至少选择一名团员，再办理转出")
                .field("person_ids"),
        );
    }
    if person_ids.len() > BULK_LIMIT {
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            format!("一次最多为{BULK_LIMIT}名团员办理转出，请分批办理"),
        )
        .field("person_ids"));
    }
    let request = parse_request(input)?;
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let to = match request.destination {
        Destination::Org(id) => Some(receiving_org(&mut tx, id).await?),
        Destination::OwnSystem { .. } => None,
    };
    let mut ids = Vec::with_capacity(person_ids.len());
    for &person_id in person_ids {
        sending_branch(&mut tx, &scope, &org, person_id).await?;
        let id = transfers::start(
            &mut tx,
            &actor,
            &NewTransfer {
                person_id,
                request: &request,
                to: to.as_ref(),
                starter: TransferStarter::Sender,
                started_by: user.person.id,
                approved_in_to: None,
                lapse_days: app.config.transfer_lapse_days,
            },
        )
        .await
        .map_err(|e| named(e, person_id))?;
        ids.push(id);
    }
    // Leaving for a province with its own system needs no receiving side: done at once.
    if to.is_none() {
        transfers::approve_out(&mut tx, &actor, user.person.id, &ids).await?;
    }
    tx.commit().await?;
    Ok(ids)
}

/// A conflict about one of many members names the member (by id) so the admin can find them.
fn named(e: StoreError, person_id: i64) -> Fault {
    let fault = Fault::from(e);
    if fault.code == ErrorCode::NotFound {
        return fault;
    }
    let message = format!("{}（团员编号 {person_id}）", fault.message);
    Fault::with_status(fault.status, fault.code, message)
}

/// Who 办理转入 names: the member's name and ID number, both as registered.
pub struct NamedMember<'a> {
    pub name: &'a str,
    pub id_number: &'a str,
}

/// The organisation 办理转入 receives into, in the admin's scope.
pub async fn in_target(app: &App, user: &Signed, org_id: i64) -> Result<Org, Fault> {
    let scope = admin_scope(app, user).await?;
    let to = app
        .store
        .org_in_scope(&ViewScope::Subtree(scope.clone()), org_id)
        .await?;
    permit(&scope, Action::StartTransferIn, &to)?;
    Ok(to)
}

/// 办理转入: the receiving side starts and approves its side at once, naming the branch
/// (itself when it is one). The sending side then decides.
pub async fn into(
    app: &App,
    user: &Signed,
    to_org_id: i64,
    member: &NamedMember<'_>,
    branch_id: Option<i64>,
    input: &TransferInput<'_>,
) -> Result<i64, Fault> {
    let scope = admin_scope(app, user).await?;
    let input = TransferInput {
        to_org_id: Some(to_org_id),
        own_system_province: None,
        own_system_name: None,
        ..input.clone()
    };
    let to = app
        .store
        .org_in_scope(&ViewScope::Subtree(scope.clone()), to_org_id)
        .await?;
    permit(&scope, Action::StartTransferIn, &to)?;
    let request = parse_request(&input)?;
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let to = receiving_org(&mut tx, to.id).await?;
    let branch = super::decide::assigned_branch(&mut tx, &scope, &to, branch_id).await?;
    let person_id = find_member(&mut tx, member).await?;
    // 参军 is the province's to review: a lower receiving admin only starts it.
    let approved =
        !request.reason.reviewed_by_province() || scope.org().level <= OrgLevel::Provincial;
    let id = transfers::start(
        &mut tx,
        &actor,
        &NewTransfer {
            person_id,
            request: &request,
            to: Some(&to),
            starter: TransferStarter::Receiver,
            started_by: user.person.id,
            approved_in_to: approved.then_some(&branch),
            lapse_days: app.config.transfer_lapse_days,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn find_member(tx: &mut Tx, member: &NamedMember<'_>) -> Result<i64, Fault> {
    let unknown = || {
        Fault::new(
            ErrorCode::TransferMemberUnknown,
            "没有找到姓名和身份证号都一致的团员；请核对团员的姓名和身份证号（与原组织登记的一致）后重试",
        )
        .field("id_number")
    };
    let id_number = tuanjian_domain::IdNumber::parse(member.id_number.trim()).map_err(|e| {
        Fault::bad_request(ErrorCode::IdNumberInvalid, format!("身份证号有误：{e}"))
            .field("id_number")
    })?;
    let person = tuanjian_store::people::person_by_id_number_tx(tx, &id_number)
        .await?
        .ok_or_else(unknown)?;
    if person.name.trim() != member.name.trim() {
        return Err(unknown());
    }
    match transfers::member_for_transfer(tx, person.id).await {
        Ok(_) => Ok(person.id),
        Err(StoreError::NotFound) => Err(unknown()),
        Err(e) => Err(e.into()),
    }
}
