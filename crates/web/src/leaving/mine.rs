//! 我的团籍: the member's own page (also after leaving) with the 退团 request — asked with a
//! reason, taken back while it waits — and its history.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::authority;
use tuanjian_app::leaving::history::mine;
use tuanjian_app::leaving::request::{ask, take_back, waiting_in};
use tuanjian_domain::MembershipStatus;
use tuanjian_domain::leaving::REASON_MAX;

use super::{RegistrationRow, StepRow, shown_on_page};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::PageQuery;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "leaving_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    csrf: String,
    membership: Option<(String, &'static str, bool)>,
    /// Simply a member: may ask for 退团.
    may_ask: bool,
    /// The 退团 request waiting for the branch.
    request: Option<StepRow>,
    history: Vec<StepRow>,
    registrations: Vec<RegistrationRow>,
    reason_max: usize,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let own = mine(state, user).await?;
    let nav = match authority::current(state, user).await? {
        Some(a) => Nav::for_authority(state, user, &a).await?,
        None => Nav::plain(user),
    };
    let (membership, may_ask, request, history, registrations) = match own {
        Some(m) => (
            Some((
                m.member.branch.full_name.clone(),
                m.member.status.label(),
                m.member.status.is_member(),
            )),
            m.member.status == MembershipStatus::Normal,
            waiting_in(m.member.status, &m.history)
                .as_ref()
                .map(StepRow::from),
            m.history.iter().rev().map(StepRow::from).collect(),
            m.registrations.iter().map(RegistrationRow::from).collect(),
        ),
        None => (None, false, None, Vec::new(), Vec::new()),
    };
    let page = MinePage {
        nav: Some(nav),
        csrf: user.session.csrf_token.clone(),
        membership,
        may_ask,
        request,
        history,
        registrations,
        reason_max: REASON_MAX,
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn mine_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("asked") => Some("退团申请已提交，请等待团支部处理；处理前您可以撤回申请。"),
        Some("cancelled") => Some("退团申请已撤回，您的团籍状态恢复为正常。"),
        _ => None,
    };
    render(&state, &user, notice, None).await
}

async fn after(state: &AppState, user: &Signed, outcome: Result<&str, Fault>) -> PageResult {
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/my-membership?done={done}")).into_response()),
        Err(f) if shown_on_page(&f) => {
            let mut res = render(state, user, None, Some(f.message.clone())).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Deserialize)]
pub struct AskForm {
    #[serde(default)]
    reason: String,
}

pub async fn ask_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(form): CsrfForm<AskForm>,
) -> PageResult {
    let outcome = ask(&state, &user, &form.reason).await.map(|_| "asked");
    after(&state, &user, outcome).await
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn cancel_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(_): CsrfForm<NoFields>,
) -> PageResult {
    let outcome = take_back(&state, &user).await.map(|_| "cancelled");
    after(&state, &user, outcome).await
}
