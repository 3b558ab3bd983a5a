//! Corrections of 姓名 and 身份证号码: the member's admin files one (it reaches the 待办 of the
//! provincial committee), the province's admin approves or returns it, the requester may
//! withdraw it while it waits.

use tuanjian_store::corrections::{Correction, CorrectionInput};
use tuanjian_store::scope::AdminScope;

use super::{Failure, admin_scope};
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Files a correction of the member `person_id`; returns its id.
pub async fn request(
    app: &App,
    user: &Signed,
    person_id: i64,
    input: &CorrectionInput,
) -> Result<i64, Failure> {
    let scope = admin_scope(app, user).await?;
    Ok(app
        .store
        .request_correction(&user.actor(), &scope, person_id, input, today())
        .await?)
}

/// The correction, if the admin may see it, with the scope.
pub async fn visible(app: &App, user: &Signed, id: i64) -> Result<(AdminScope, Correction), Fault> {
    let scope = admin_scope(app, user).await?;
    let c = app.store.correction(&scope, id).await?;
    Ok((scope, c))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return,
    Withdraw,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Return => "return",
            Decision::Withdraw => "withdraw",
        }
    }
}

/// Approves, returns (with `comment`) or withdraws the correction `id`.
pub async fn decide(
    app: &App,
    user: &Signed,
    id: i64,
    decision: Decision,
    comment: &str,
) -> Result<Correction, Failure> {
    let scope = admin_scope(app, user).await?;
    let actor = user.actor();
    let s = &app.store;
    Ok(match decision {
        Decision::Approve => s.approve_correction(&actor, &scope, id).await?,
        Decision::Return => s.return_correction(&actor, &scope, id, comment).await?,
        Decision::Withdraw => s.withdraw_correction(&actor, &scope, id).await?,
    })
}
