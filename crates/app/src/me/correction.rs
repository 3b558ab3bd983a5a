//! The member asks for a correction of their own 姓名 or 身份证号码: the same request an admin
//! files (`store::corrections`), decided by the provincial committee of the member's branch,
//! one pending at a time.

use tuanjian_store::StoreError;
use tuanjian_store::corrections::{Correction, CorrectionError, CorrectionInput};

use super::{Failure, FaultItem, no_member_record};
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Files the request; returns its id.
pub async fn request(app: &App, user: &Signed, input: &CorrectionInput) -> Result<i64, Failure> {
    app.store
        .request_own_correction(&user.actor(), user.person.id, input, today())
        .await
        .map_err(|e| match e {
            CorrectionError::Store(StoreError::NotFound) => {
                Failure::Fault(no_member_record("申请更正姓名或身份证号码"))
            }
            CorrectionError::Store(s) => s.into(),
            CorrectionError::Refused(r) => Failure::Fault(r.into()),
            CorrectionError::Faults(f) => Failure::Fields(f.iter().map(FaultItem::from).collect()),
        })
}

/// Takes back a request the person filed for themself while it waits.
pub async fn withdraw(app: &App, user: &Signed, id: i64) -> Result<Correction, Fault> {
    Ok(app
        .store
        .withdraw_own_correction(&user.actor(), user.person.id, id)
        .await?)
}

/// The person's corrections, newest first (filed by them or by their admin).
pub async fn mine(app: &App, user: &Signed) -> Result<Vec<Correction>, Fault> {
    Ok(app.store.corrections_of(user.person.id).await?)
}
