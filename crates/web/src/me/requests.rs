//! /me/requests (我的申请 / 我的转接): the person's self-service applications, the transfers of
//! their record (whoever started them), the corrections of their name or ID number and their
//! 退团 requests, each with its state and a link to it.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::beijing::beijing;
use tuanjian_app::leaving::request::{OwnRequest, RequestState};
use tuanjian_app::me::requests;
use tuanjian_store::applications::{Application, status_text};
use tuanjian_store::transfers::Transfer;

use super::correction::CorrectionLine;
use crate::auth::user::PageUser;
use crate::extract::PageQuery;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct ApplicationLine {
    pub id: i64,
    pub kind: &'static str,
    pub status: &'static str,
    pub status_text: String,
    pub org: String,
    pub submitted_at: String,
}

impl ApplicationLine {
    fn new(a: &Application) -> Self {
        Self {
            id: a.id,
            kind: a.kind.label(),
            status: a.status.code(),
            status_text: status_text(a.status, a.stage),
            org: a.org_full_name.clone(),
            submitted_at: beijing(a.submitted_at),
        }
    }
}

pub struct TransferLine {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub reason: &'static str,
    pub starter: &'static str,
    pub status: &'static str,
    pub status_code: &'static str,
    pub started_at: String,
}

impl TransferLine {
    fn new(t: &Transfer) -> Self {
        Self {
            id: t.id,
            from: t.from_org_name.clone(),
            to: t.to_org_name.clone(),
            reason: t.reason.label(),
            starter: t.starter.label(),
            status: t.status.label(),
            status_code: t.status.code(),
            started_at: beijing(t.started_at),
        }
    }
}

/// A 退团 request as the page lists it.
pub struct WithdrawalLine {
    pub state: &'static str,
    pub state_code: &'static str,
    pub reason: String,
    pub asked_at: String,
    /// The branch's date (accepted) or comment (declined).
    pub answer: String,
    pub waiting: bool,
}

impl WithdrawalLine {
    fn new(r: &OwnRequest) -> Self {
        let answer = match (r.state, &r.answer) {
            (RequestState::Accepted, Some(a)) => {
                format!("退团日期 {}", a.effective_date.clone().unwrap_or_default())
            }
            (RequestState::Declined, Some(a)) => {
                format!("团支部意见：{}", a.comment.clone().unwrap_or_default())
            }
            _ => String::new(),
        };
        Self {
            state: r.state.label(),
            state_code: r.state.code(),
            reason: r.asked.reason.clone().unwrap_or_default(),
            asked_at: beijing(r.asked.at),
            answer,
            waiting: r.state == RequestState::Waiting,
        }
    }
}

#[derive(Template)]
#[template(path = "me_requests.html")]
struct RequestsPage {
    nav: Option<Nav>,
    csrf: String,
    /// Just filed a correction.
    filed: bool,
    applications: Vec<ApplicationLine>,
    transfers: Vec<TransferLine>,
    corrections: Vec<CorrectionLine>,
    withdrawals: Vec<WithdrawalLine>,
}

#[derive(Deserialize, Default)]
pub struct Shown {
    #[serde(default)]
    filed: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(shown): PageQuery<Shown>,
) -> PageResult {
    let r = requests::mine(&state, &user).await?;
    let page = RequestsPage {
        nav: Some(super::nav(&state, &user).await?),
        csrf: user.session.csrf_token.clone(),
        filed: shown.filed.as_deref() == Some("correction"),
        applications: r.applications.iter().map(ApplicationLine::new).collect(),
        transfers: r.transfers.iter().map(TransferLine::new).collect(),
        corrections: r
            .corrections
            .iter()
            .map(|c| CorrectionLine::new(c, user.person.id))
            .collect(),
        withdrawals: r.withdrawals.iter().map(WithdrawalLine::new).collect(),
    };
    Ok(Html(page.render()?).into_response())
}
