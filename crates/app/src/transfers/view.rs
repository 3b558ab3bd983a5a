//! One transfer as its reader sees it: the request, its steps, and what the reader may do.

use tuanjian_domain::transfer::TransferStatus;
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::transfers::{Transfer, TransferStep};

use super::decide::{may_decide_in, may_decide_out};
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Most branches offered for assignment (a university 团委 may hold hundreds).
pub const BRANCH_CHOICES: i64 = 2_000;

/// What the reader may do with the request now.
#[derive(Debug, Clone, Default)]
pub struct Abilities {
    pub approve_out: bool,
    pub approve_in: bool,
    pub return_it: bool,
    pub withdraw: bool,
    /// The receiving side chooses among these when its organisation is not a branch.
    pub branches: Vec<Org>,
}

pub struct TransferView {
    pub transfer: Transfer,
    pub steps: Vec<TransferStep>,
    pub may: Abilities,
}

/// Admins see a request when either side is in their scope.
pub(crate) fn visible_to_admin(scope: &AdminScope, t: &Transfer) -> Result<(), Fault> {
    let to = t.to_path.as_ref().is_some_and(|p| scope.covers(p));
    if scope.covers(&t.from_path) || to {
        Ok(())
    } else {
        Err(Fault::not_found())
    }
}

/// The member, the starter and admins of either side see a request; nobody else learns it
/// exists.
pub(crate) async fn visible(app: &App, user: &Signed, t: &Transfer) -> Result<(), Fault> {
    if t.person_id == user.person.id || t.started_by == user.person.id {
        return Ok(());
    }
    match authority::current(app, user).await? {
        Some(Authority::Admin(scope)) => visible_to_admin(&scope, t),
        _ => Err(Fault::not_found()),
    }
}

pub async fn show(app: &App, user: &Signed, id: i64) -> Result<TransferView, Fault> {
    let transfer = app.store.transfer(id).await?;
    visible(app, user, &transfer).await?;
    let steps = app.store.transfer_steps(id).await?;
    let open = transfer.status.is_open() && transfer.expires_at > tuanjian_store::now();
    let mut may = Abilities {
        withdraw: open && transfer.started_by == user.person.id,
        ..Abilities::default()
    };
    if let (true, Some(Authority::Admin(scope))) = (open, authority::current(app, user).await?) {
        match transfer.status {
            TransferStatus::PendingOut => {
                may.approve_out = may_decide_out(&scope, &transfer).is_ok();
                may.return_it = may.approve_out;
            }
            TransferStatus::PendingIn => {
                may.approve_in = may_decide_in(&scope, &transfer).is_ok();
                may.return_it = may.approve_in;
                if may.approve_in
                    && let Some(to_id) = transfer.to_org_id
                {
                    let to = app.store.org(to_id).await?;
                    if !to.kind.is_branch() {
                        may.branches = app.store.branches_under(&to.path, BRANCH_CHOICES).await?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(TransferView {
        transfer,
        steps,
        may,
    })
}
