//! One transfer: the request, its steps, and the reader's actions (approve as the sending or
//! receiving side, return with a comment, withdraw).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::Fault;
use tuanjian_app::transfers::{decide, view};

use super::form::Choice;
use super::{TransferRow, fmt_time};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct StepRow {
    pub at: String,
    pub actor: String,
    pub event: &'static str,
    pub comment: Option<String>,
}

#[derive(Template)]
#[template(path = "transfer_show.html")]
struct ShowPage {
    nav: Option<Nav>,
    csrf: String,
    t: TransferRow,
    steps: Vec<StepRow>,
    approve_out: bool,
    approve_in: bool,
    return_it: bool,
    withdraw: bool,
    branches: Vec<Choice>,
    notice: Option<&'static str>,
    error: Option<String>,
    comment: String,
}

async fn render(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice: Option<&'static str>,
    error: Option<Fault>,
    comment: String,
) -> PageResult {
    let v = view::show(state, user, id).await?;
    let page = ShowPage {
        nav: Some(super::nav(state, user).await?),
        csrf: user.session.csrf_token.clone(),
        t: TransferRow::new(&v.transfer),
        steps: v
            .steps
            .iter()
            .map(|s| StepRow {
                at: fmt_time(s.at),
                actor: s.actor_name.clone().unwrap_or_else(|| "系统".into()),
                event: s.event.label(),
                comment: s.comment.clone(),
            })
            .collect(),
        approve_out: v.may.approve_out,
        approve_in: v.may.approve_in,
        return_it: v.may.return_it,
        withdraw: v.may.withdraw,
        branches: v
            .may
            .branches
            .into_iter()
            .map(|b| Choice {
                value: b.id.to_string(),
                label: b.full_name,
                selected: false,
            })
            .collect(),
        notice,
        error: error.map(|e| e.message),
        comment,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let notice = match q.done.as_deref() {
        Some("started") => Some("转接已发起，等待审批。"),
        Some("approved") => Some("已审批通过。"),
        Some("returned") => Some("已退回该转接。"),
        Some("withdrawn") => Some("已撤回该转接。"),
        _ => None,
    };
    render(&state, &user, id, notice, None, String::new()).await
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    branch_id: String,
}

async fn after(
    state: &AppState,
    user: &Signed,
    id: i64,
    outcome: Result<&'static str, Fault>,
    comment: String,
) -> PageResult {
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/transfers/{id}?done={done}")).into_response()),
        Err(e) if matches!(e.status, 400 | 409) => {
            let status = e.status();
            let mut res = render(state, user, id, None, Some(e), comment).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn approve_out_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = decide::approve_out(&state, &user, &[id])
        .await
        .map(|_| "approved");
    after(&state, &user, id, outcome, form.comment).await
}

pub async fn approve_in_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let branch = form.branch_id.trim().parse::<i64>().ok();
    let outcome = decide::approve_in(&state, &user, &[(id, branch)])
        .await
        .map(|_| "approved");
    after(&state, &user, id, outcome, form.comment).await
}

pub async fn return_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = decide::return_transfer(&state, &user, id, &form.comment)
        .await
        .map(|_| "returned");
    after(&state, &user, id, outcome, form.comment).await
}

pub async fn withdraw_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = decide::withdraw(&state, &user, id)
        .await
        .map(|_| "withdrawn");
    after(&state, &user, id, outcome, String::new()).await
}
