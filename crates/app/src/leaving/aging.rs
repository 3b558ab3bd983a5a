//! 超龄离团: who reaches 28 within the months asked (excluding, with the reason, those who keep
//! membership for now), and the branch's bulk 办理离团 with the date.

use chrono::NaiveDate;
use tuanjian_domain::leaving::{DEFAULT_NOTICE_MONTHS, horizon, parse_date};
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::leaving::aging::{AgedPage, AgingQuery, leave_aged_out_tx};
use tuanjian_store::orgs::{Org, PageRequest};

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// The 超龄 list of an organisation's subtree.
pub struct AgedList {
    pub authority: Authority,
    pub org: Org,
    pub months: u32,
    /// Members reaching 28 by this day are listed.
    pub horizon: NaiveDate,
    pub today: NaiveDate,
    pub page: AgedPage,
    /// The viewer is the branch's own admin, who does 办理离团.
    pub may_leave: bool,
}

/// Members of the subtree who reach 28 within `months` (default three), a page at a time.
pub async fn list(
    app: &App,
    user: &Signed,
    org_id: i64,
    months: Option<u32>,
    page: PageRequest,
) -> Result<AgedList, Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::ViewMembers, &org)?;
    let Authority::Admin(scope) = &authority else {
        return Err(Fault::not_found());
    };
    let months = months.unwrap_or(DEFAULT_NOTICE_MONTHS);
    let today = beijing_today();
    let horizon = horizon(today, months)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("months"))?;
    let q = AgingQuery::within(scope, &org, horizon).ok_or_else(Fault::not_found)?;
    let page = app.store.aged_out(&q, page).await?;
    let may_leave = org.kind.is_branch() && permit(&authority, Action::DecideLeaving, &org).is_ok();
    Ok(AgedList {
        authority,
        org,
        months,
        horizon,
        today,
        page,
        may_leave,
    })
}

/// 办理离团 for the chosen members of a branch on `date` (`2026-05-01`): all or none.
pub async fn leave(
    app: &App,
    user: &Signed,
    org_id: i64,
    person_ids: &[i64],
    date: &str,
) -> Result<usize, Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::DecideLeaving, &org)?;
    if !org.kind.is_branch() {
        return Err(Fault::bad_request(
            ErrorCode::NotABranch,
            format!(
                "{}不是团支部；超龄离团由团员所在团支部的管理员办理",
                org.full_name
            ),
        ));
    }
    if person_ids.is_empty() {
        return Err(
            Fault::bad_request(ErrorCode::RequiredMissing, "请勾选要办理离团的团员")
                .field("person_ids"),
        );
    }
    let date = parse_date(date, beijing_today())
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("date"))?;
    // A member ticked twice (two pages of the list, a client's repeat) leaves once.
    let mut ids = person_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut tx = app.store.begin().await?;
    let done = leave_aged_out_tx(&mut tx, &user.actor(), &org, &ids, date).await?;
    tx.commit().await?;
    Ok(done)
}
