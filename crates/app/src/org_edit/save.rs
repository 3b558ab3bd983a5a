//! Saving what an admin entered as organisation information: at once for the direct superior;
//! for the own admin, fills at once and changes as one pending request — names, kind and
//! industry included (seed, question 7).

use tuanjian_domain::ErrorCode;
use tuanjian_domain::OrgKind;
use tuanjian_domain::org_info::industry;
use tuanjian_store::org_changes::{self, IDENTITY_FIELDS, InfoChanges, Submitted, field_label};
use tuanjian_store::orgs::Org;
use tuanjian_store::{StoreError, Tx};

use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::org_edit::access::{Mode, edit_mode};
use crate::org_edit::input::{FieldError, InfoInput, validate};
use crate::signed::Signed;

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
pub(crate) fn store_fault(e: StoreError) -> Fault {
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

pub(crate) async fn commit(tx: Tx) -> Result<(), Fault> {
    tx.commit().await?;
    Ok(())
}

/// The root organisation has nobody to approve a change of its identity (names, kind,
/// industry): its own admin cannot change them. Unchanged values are dropped so a full form
/// can be sent back as shown. Every other own admin requests such changes like any other.
fn strip_identity_of_root(input: &mut InfoInput, current: &InfoChanges) -> Result<(), Fault> {
    for key in IDENTITY_FIELDS {
        let Some(given) = input.get(key).map(str::to_string) else {
            continue;
        };
        let normalized = match key {
            "kind" => OrgKind::parse(&given).map(|k| k.code().to_string()).ok(),
            "industry" => industry(&given).map(|i| i.code.to_string()),
            _ => Some(given),
        };
        if normalized.is_none() || normalized != current.get(key) {
            return Err(Fault::forbidden(format!(
                "本组织没有上级组织，组织简称、组织全称、组织类别和单位所属行业类别无人审批，\
                 不能在这里修改（{}）",
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
    app: &App,
    user: &Signed,
    authority: &Authority,
    org: &Org,
    input: &InfoInput,
) -> Result<Submitted, SaveError> {
    let mode = edit_mode(authority, org)?;
    let info = app.store.org_info(org.id).await?;
    let current = InfoChanges::current(org, &info);
    let mut input = input.clone();
    if mode == Mode::Own && org.parent_id.is_none() {
        strip_identity_of_root(&mut input, &current)?;
    }
    let desired = validate(&input, org, &current).map_err(SaveError::Fields)?;
    let mut tx = app.store.begin().await?;
    let actor = user.actor();
    let done = match mode {
        Mode::Superior => org_changes::apply_by_superior(&mut tx, &actor, org.id, &desired).await?,
        Mode::Own => org_changes::submit_own(&mut tx, &actor, org.id, &desired).await?,
    };
    commit(tx).await?;
    Ok(done)
}
