//! A member's 团籍 page (the branch decides, asks to restore; the superior approves or returns),
//! the branch's list of its members' 退团 requests and the superior's list of what waits and
//! what its branches did (备案).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::leaving::decide::{DecisionInput, decide, request_restore};
use tuanjian_app::leaving::history::{inbox, of_member};
use tuanjian_app::leaving::request::{accept, decline};
use tuanjian_app::leaving::review::review;
use tuanjian_domain::leaving::Way;
use tuanjian_store::entry_faults::beijing_today;

use super::{RegistrationRow, StepRow, shown_on_page};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "leaving_member.html")]
struct MemberPage {
    nav: Option<Nav>,
    csrf: String,
    person_id: i64,
    name: String,
    id_number: String,
    branch_id: i64,
    branch_name: String,
    status: &'static str,
    is_member: bool,
    is_pending: bool,
    waiting: Option<StepRow>,
    /// The member's own 退团 request waiting for the branch.
    request: Option<StepRow>,
    history: Vec<StepRow>,
    registrations: Vec<RegistrationRow>,
    /// 团费 unpaid in a row through the last complete month (issue 16): what 自行脱团 rests on.
    dues_behind: u32,
    may_decide: bool,
    may_review: bool,
    ways: Vec<(&'static str, &'static str)>,
    today: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let h = of_member(state, user, person_id).await?;
    let dues = tuanjian_app::dues::mine::of_member(state, user, person_id).await?;
    let page = MemberPage {
        nav: Some(Nav::for_authority(state, user, &h.authority).await?),
        csrf: user.session.csrf_token.clone(),
        person_id,
        name: h.member.name.clone(),
        id_number: h.member.id_number.masked(),
        branch_id: h.member.branch.id,
        branch_name: h.member.branch.full_name.clone(),
        status: h.member.status.label(),
        is_member: h.member.status.is_member(),
        is_pending: h.member.status.is_pending(),
        waiting: h.waiting.as_ref().map(StepRow::from),
        request: h.request.as_ref().map(StepRow::from),
        history: h.history.iter().rev().map(StepRow::from).collect(),
        registrations: h.registrations.iter().map(RegistrationRow::from).collect(),
        dues_behind: dues.history.behind,
        may_decide: h.may_decide,
        may_review: h.may_review,
        ways: [Way::Withdrawn, Way::Lapsed, Way::Expelled]
            .into_iter()
            .map(|w| (w.code(), w.label()))
            .collect(),
        today: beijing_today().to_string(),
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("decided") => Some("已办理。需要上级审批的，等待直属上级组织的管理员审批。"),
        Some("restore") => Some("恢复团籍申请已提交，等待直属上级组织的管理员审批。"),
        Some("approved") => Some("已审批通过。"),
        Some("returned") => Some("已退回，团员的团籍状态恢复为办理前的状态。"),
        Some("accepted") => Some("已同意退团申请，退团已生效，并报上级组织备案。"),
        Some("declined") => {
            Some("已不同意退团申请，团员的团籍状态恢复为正常，团员可以看到您的意见。")
        }
        _ => None,
    };
    render(&state, &user, parse_id(&raw)?, notice, None).await
}

pub(super) async fn after(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    outcome: Result<&'static str, Fault>,
) -> PageResult {
    match outcome {
        Ok(done) => Ok(
            Redirect::to(&format!("/members/{person_id}/membership?done={done}")).into_response(),
        ),
        Err(f) if shown_on_page(&f) => {
            let mut res = render(state, user, person_id, None, Some(f.message.clone())).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    way: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    date: String,
}

pub async fn decide_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecideForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let input = DecisionInput {
        way: &form.way,
        reason: &form.reason,
        date: &form.date,
    };
    let outcome = decide(&state, &user, id, &input).await.map(|_| "decided");
    after(&state, &user, id, outcome).await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn restore_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = request_restore(&state, &user, id, &form.reason)
        .await
        .map(|_| "restore");
    after(&state, &user, id, outcome).await
}

#[derive(Deserialize)]
pub struct CommentForm {
    comment: Option<String>,
}

pub async fn approve_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = review(&state, &user, id, true, form.comment.as_deref())
        .await
        .map(|_| "approved");
    after(&state, &user, id, outcome).await
}

pub async fn return_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = review(&state, &user, id, false, form.comment.as_deref())
        .await
        .map(|_| "returned");
    after(&state, &user, id, outcome).await
}

#[derive(Template)]
#[template(path = "leaving_inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    org_name: String,
    requests: Vec<StepRow>,
    to_approve: Vec<StepRow>,
    recent: Vec<StepRow>,
}

pub async fn inbox_page(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    let i = inbox(&state, &user).await?;
    let org_name = match &i.authority {
        tuanjian_app::Authority::Admin(s) => s.org().full_name.clone(),
        _ => String::new(),
    };
    let page = InboxPage {
        nav: Some(Nav::for_authority(&state, &user, &i.authority).await?),
        org_name,
        requests: i.requests.iter().map(StepRow::from).collect(),
        to_approve: i.to_approve.iter().map(StepRow::from).collect(),
        recent: i.recent.iter().map(StepRow::from).collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    date: String,
}

/// The branch accepts the member's own 退团 request.
pub async fn accept_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = accept(&state, &user, id, &form.date)
        .await
        .map(|_| "accepted");
    after(&state, &user, id, outcome).await
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    comment: String,
}

/// The branch declines the member's own 退团 request with a comment.
pub async fn decline_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DeclineForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = decline(&state, &user, id, &form.comment)
        .await
        .map(|_| "declined");
    after(&state, &user, id, outcome).await
}
