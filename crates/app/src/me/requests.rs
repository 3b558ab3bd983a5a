//! 我的申请 / 我的转接: everything the person started or that concerns them, newest first —
//! self-service applications, transfers of their record (whoever started them),
//! corrections of their name or ID number and 退团 requests.

use tuanjian_store::applications::Application;
use tuanjian_store::corrections::Correction;
use tuanjian_store::transfers::Transfer;

use crate::context::App;
use crate::fault::Fault;
use crate::leaving::request::{OwnRequest, requests_in};
use crate::signed::Signed;

pub struct MyRequests {
    pub applications: Vec<Application>,
    pub transfers: Vec<Transfer>,
    pub corrections: Vec<Correction>,
    /// 退团 requests, newest first.
    pub withdrawals: Vec<OwnRequest>,
}

pub async fn mine(app: &App, user: &Signed) -> Result<MyRequests, Fault> {
    let id = user.person.id;
    Ok(MyRequests {
        applications: app.store.applications_of(id).await?,
        transfers: crate::transfers::lists::mine(app, user).await?,
        corrections: app.store.corrections_of(id).await?,
        withdrawals: requests_in(&app.store.membership_history(id).await?),
    })
}
