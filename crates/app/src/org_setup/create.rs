//! Creating one child organisation with its registration code: the parent must be one this
//! admin may create under, the entry must pass the rules, and the full name must be free.

use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::StoreError;
use tuanjian_store::orgs::Org;
use tuanjian_store::reg_codes::CodeRecord;

use crate::context::App;
use crate::fault::Fault;
use crate::org_setup::admin_target;
use crate::org_setup::child_rules::{
    ChildInput, ChildOptions, Issue, ValidChild, check_child, nothing_allowed,
};
use crate::signed::Signed;

/// Creates one child with its registration code, all in one transaction.
pub async fn create_one(
    app: &App,
    user: &Signed,
    parent: &Org,
    child: &ValidChild,
) -> Result<(Org, CodeRecord), Fault> {
    let mut tx = app.store.begin().await?;
    let made =
        tuanjian_store::org_create::create_child(&mut tx, &user.actor(), parent, &child.as_new())
            .await
            .map_err(|e| match e {
                StoreError::Conflict { code, message } if code == ErrorCode::OrgNameTaken => {
                    Fault::with_status(409, code, message).field("full_name")
                }
                other => other.into(),
            })?;
    tx.commit().await?;
    Ok(made)
}

/// The parent, if this admin may create under it and anything may stand there.
pub async fn creatable_parent(
    app: &App,
    user: &Signed,
    id: i64,
) -> Result<(Org, ChildOptions), Fault> {
    let (_, parent) = admin_target(app, user, id, Action::CreateChild).await?;
    let opts = ChildOptions::for_parent(&parent);
    if opts.is_empty() {
        return Err(nothing_allowed(&parent));
    }
    Ok((parent, opts))
}

/// Why a child was not created: problems with the entry (each against its field), or a fault
/// such as a taken full name.
#[derive(Debug)]
pub enum CreateError {
    Invalid(Vec<Issue>),
    Fault(Fault),
}

impl From<Fault> for CreateError {
    fn from(f: Fault) -> Self {
        CreateError::Fault(f)
    }
}

impl CreateError {
    /// One fault: the first problem with the entry, or the fault itself.
    pub fn into_fault(self) -> Fault {
        match self {
            CreateError::Fault(f) => f,
            CreateError::Invalid(issues) => {
                let first = issues.into_iter().next().expect("at least one issue");
                Fault::bad_request(first.code, first.message).field(first.field)
            }
        }
    }
}

/// Checks the entry against the parent's options and creates the child with its code.
pub async fn create_child(
    app: &App,
    user: &Signed,
    parent: &Org,
    opts: &ChildOptions,
    input: &ChildInput<'_>,
) -> Result<(Org, CodeRecord), CreateError> {
    let child = check_child(parent, opts, input).map_err(CreateError::Invalid)?;
    Ok(create_one(app, user, parent, &child).await?)
}
