//! The work behind the information page and the API: who may do what (asked of the domain's
//! `authorize`), saving input as immediate changes or a pending request, and deciding requests.

use tuanjian_domain::ErrorCode;
use tuanjian_domain::org_info::industry;
use tuanjian_domain::{Action, ActorRole, BoundedText, OrgKind, Refusal, Relation, authorize};
use tuanjian_store::org_changes::{
    self, ChangeStatus, Decision, InfoChanges, SUPERIOR_ONLY, Submitted, field_label,
};
use tuanjian_store::orgs::Org;
use tuanjian_store::{StoreError, Tx};

use crate::auth::role::Authority;
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::org_edit::input::{COMMENT_MAX, FieldError, InfoInput, validate};
use crate::state::AppState;

pub fn actor_role(authority: &Authority, org: &Org) -> ActorRole {
    let single = |org_id: i64| {
        if org_id == org.id {
            Relation::Itself
        } else {
            Relation::Unrelated
        }
    };
    match authority {
        Authority::Admin(scope) => ActorRole::Admin(scope.relation_to(&org.path)),
        Authority::Cadre { org_id } => ActorRole::Cadre(single(*org_id)),
        Authority::Member { org_id } => ActorRole::Member(single(*org_id)),
    }
}

pub fn refused(r: Refusal) -> Fault {
    Fault::forbidden(r.message).with_code(r.code)
}

pub fn require(action: Action, authority: &Authority, org: &Org) -> Result<(), Fault> {
    authorize(action, actor_role(authority, org)).map_err(refused)
}

pub struct Allowed {
    pub edit_directly: bool,
    pub request_change: bool,
    pub decide: bool,
    pub view_history: bool,
}

pub fn allowed(authority: &Authority, org: &Org) -> Allowed {
    let role = actor_role(authority, org);
    let may = |a| authorize(a, role).is_ok();
    Allowed {
        edit_directly: may(Action::EditInfo),
        request_change: may(Action::RequestInfoChange),
        decide: may(Action::DecideInfoChange),
        view_history: may(Action::ViewHistory),
    }
}

/// Reads the target through the viewer's scope: `NotFound` outside it.
pub async fn target(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    id: i64,
) -> Result<Org, Fault> {
    Ok(state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), id)
        .await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The direct superior's admin: everything at once.
    Superior,
    /// The organisation's own admin: fills at once, changes wait.
    Own,
}

pub fn edit_mode(authority: &Authority, org: &Org) -> Result<Mode, Fault> {
    let role = actor_role(authority, org);
    match authorize(Action::EditInfo, role) {
        Ok(()) => Ok(Mode::Superior),
        Err(refusal) => match authorize(Action::RequestInfoChange, role) {
            Ok(()) => Ok(Mode::Own),
            Err(_) => Err(refused(refusal)),
        },
    }
}

/// Why a save did not happen: faults in fields (nothing written), or a refusal or conflict.
#[derive(Debug)]
pub enum SaveError {
    Fields(Vec<FieldError>),
    Fault(Fault),
}

impl From<Fault> for SaveError {
    fn from(f: Fault) -> Self {
        SaveError::Fault(f)
    }
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        SaveError::Fault(store_fault(e))
    }
}

impl SaveError {
    /// One fault for the API: the first field's code and field, every message.
    pub fn into_fault(self) -> Fault {
        match self {
            SaveError::Fault(f) => f,
            SaveError::Fields(errors) => {
                let message = errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("；");
                let first = &errors[0];
                Fault::bad_request(first.code, message).field(first.field)
            }
        }
    }
}

/// A store conflict with the field it concerns, so forms can show it in place.
fn store_fault(e: StoreError) -> Fault {
    let fault = Fault::from(e);
    let field = match fault.code {
        ErrorCode::SecretaryNameMismatch => Some("secretary_name"),
        ErrorCode::OrgNameTaken => Some("full_name"),
        ErrorCode::OrgKindNotAllowed
        | ErrorCode::OrgKindInvalid
        | ErrorCode::OrgKindChildren
        | ErrorCode::BranchHasMembers => Some("kind"),
        ErrorCode::IdNumberInvalid => Some("secretary_id_number"),
        _ => None,
    };
    match field {
        Some(f) => fault.field(f),
        None => fault,
    }
}

async fn commit(tx: Tx) -> Result<(), Fault> {
    tx.commit().await?;
    Ok(())
}

/// Refuses the fields only the direct superior changes when the own admin's input would
/// change them; unchanged values are dropped so a full form can be sent back as shown.
fn strip_superior_only(input: &mut InfoInput, current: &InfoChanges) -> Result<(), Fault> {
    for key in SUPERIOR_ONLY {
        let Some(given) = input.get(key).map(str::to_string) else {
            continue;
        };
        let normalized = match key {
            "kind" => OrgKind::parse(&given).map(|k| k.code().to_string()).ok(),
            "industry" => industry(&given).map(|i| i.code.to_string()),
            _ => Some(given),
        };
        if normalized.is_none() || normalized != current.get(key) {
            let how = if key == "industry" && current.get(key).is_none() {
                "行业类别尚未填写，请联系直属上级组织的管理员填写"
            } else {
                "如需修改，请联系直属上级组织的管理员"
            };
            return Err(Fault::forbidden(format!(
                "组织简称、组织全称、组织类别和单位所属行业类别不能由本组织修改（{}）；{how}",
                field_label(key)
            ))
            .with_code(ErrorCode::FieldNotEditable)
            .field(key));
        }
        match key {
            "short_name" => input.short_name = None,
            "full_name" => input.full_name = None,
            "kind" => input.kind = None,
            _ => input.industry = None,
        }
    }
    Ok(())
}

/// Saves what an admin entered: at once for the direct superior; for the own admin, fills at
/// once and changes as one pending request. Nothing is written when anything is wrong.
pub async fn save(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    org: &Org,
    input: &InfoInput,
) -> Result<Submitted, SaveError> {
    let mode = edit_mode(authority, org)?;
    let info = state.store.org_info(org.id).await?;
    let current = InfoChanges::current(org, &info);
    let mut input = input.clone();
    if mode == Mode::Own {
        strip_superior_only(&mut input, &current)?;
    }
    let desired = validate(&input, org, &current).map_err(SaveError::Fields)?;
    let mut tx = state.store.begin().await?;
    let actor = user.actor();
    let done = match mode {
        Mode::Superior => org_changes::apply_by_superior(&mut tx, &actor, org.id, &desired).await?,
        Mode::Own => org_changes::submit_own(&mut tx, &actor, org.id, &desired).await?,
    };
    commit(tx).await?;
    Ok(done)
}

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
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    org: &Org,
    change_id: i64,
    decision: Decision,
    comment: Option<&str>,
) -> Result<(), Fault> {
    require(decision_action(decision), authority, org)?;
    let change = state.store.org_change(org.id, change_id).await?;
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
    let mut tx = state.store.begin().await?;
    org_changes::decide(
        &mut tx,
        &user.actor(),
        org.id,
        change_id,
        decision,
        comment.as_deref(),
    )
    .await
    .map_err(store_fault)?;
    commit(tx).await
}
