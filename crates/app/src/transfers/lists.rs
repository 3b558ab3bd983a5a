//! 办理转出 / 办理转入 lists of the signed-in admin's scope, and a person's own requests.

use tuanjian_store::transfers::{Side, Transfer, TransferFilter, TransferPage};

use super::admin_scope;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

pub const PER_PAGE: i64 = 50;
/// A page of the receiving side's list may be approved at once: at most this many rows.
pub const MAX_PER_PAGE: i64 = 500;

pub async fn list(
    app: &App,
    user: &Signed,
    side: Side,
    filter: TransferFilter,
    page: i64,
    per_page: i64,
) -> Result<TransferPage, Fault> {
    let scope = admin_scope(app, user).await?;
    Ok(app
        .store
        .transfer_list(
            &scope.org().path,
            side,
            filter,
            page.max(1),
            per_page.clamp(1, MAX_PER_PAGE),
        )
        .await?)
}

/// The signed-in person's requests (as the member), newest first.
pub async fn mine(app: &App, user: &Signed) -> Result<Vec<Transfer>, Fault> {
    Ok(app.store.transfers_of_person(user.person.id).await?)
}
