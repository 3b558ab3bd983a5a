//! The pages of corrections of 姓名 and 身份证号码 (`tuanjian_app::members::corrections`): the
//! request form, the correction with its decision buttons.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::members::FaultItem;
use tuanjian_app::members::corrections::{Decision, decide, request, visible};
use tuanjian_app::members::record::{detail, require};
use tuanjian_domain::Action;
use tuanjian_store::corrections::{Correction, CorrectionInput};

use super::Failure;
use crate::auth::csrf::CsrfForm;
use crate::auth::role::Authority;
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::org_setup::beijing;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "members_correction_new.html")]
struct RequestPage {
    nav: Option<Nav>,
    csrf: String,
    person_id: i64,
    name: String,
    id_number: String,
    branch: String,
    form: CorrectionInput,
    errors: Vec<FaultItem>,
}

impl RequestPage {
    fn error_for(&self, key: &str) -> Option<String> {
        FaultItem::messages_for(&self.errors, key)
    }

    fn general(&self) -> Vec<&str> {
        FaultItem::messages_besides(&self.errors, &["new_name", "new_id_number", "reason"])
    }
}

async fn render_request(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    form: CorrectionInput,
    errors: Vec<FaultItem>,
    status: StatusCode,
) -> PageResult {
    let (scope, d) = detail(state, user, person_id).await?;
    require(&scope, &d, Action::RequestCorrection)?;
    let page = RequestPage {
        nav: Some(Nav::for_authority(state, user, &Authority::Admin(scope)).await?),
        csrf: user.session.csrf_token.clone(),
        person_id,
        name: d.person.name.clone(),
        id_number: d.person.id_number.to_string(),
        branch: d
            .membership
            .as_ref()
            .map(|m| m.org_full_name.clone())
            .unwrap_or_default(),
        form,
        errors,
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub async fn request_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let id = parse_id(&raw)?;
    render_request(
        &state,
        &user,
        id,
        CorrectionInput::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

fn as_items(f: Fault) -> Vec<FaultItem> {
    vec![FaultItem::from(f)]
}

pub async fn request_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CorrectionInput>,
) -> PageResult {
    let id = parse_id(&raw)?;
    match request(&state, &user, id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/members/{id}?corrected=1")).into_response()),
        Err(Failure::Fields(items)) => {
            render_request(
                &state,
                &user,
                id,
                form,
                items,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Failure::Fault(f)) if matches!(f.status, 400 | 409) => {
            let status = f.status();
            render_request(&state, &user, id, form, as_items(f), status).await
        }
        Err(Failure::Fault(f)) => Err(PageError(f)),
    }
}

#[derive(Template)]
#[template(path = "members_correction.html")]
struct CorrectionPage {
    nav: Option<Nav>,
    csrf: String,
    c: Correction,
    /// (label, before, after) of what changes.
    rows: Vec<(&'static str, String, String)>,
    requested_at: String,
    decided_at: String,
    member_visible: bool,
    can_decide: bool,
    can_withdraw: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

const APPROVED: &str = "已审核通过，姓名、身份证号码已更正。账号的用户名随身份证号码一并更改。";

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn render_correction(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let (scope, c) = visible(state, user, id).await?;
    let mut rows = Vec::new();
    if let Some(n) = &c.changes.name {
        rows.push(("姓名", c.before.name.clone().unwrap_or_default(), n.clone()));
    }
    if let Some(i) = &c.changes.id_number {
        rows.push((
            "身份证号码",
            c.before.id_number.clone().unwrap_or_default(),
            i.clone(),
        ));
    }
    // Say what was corrected: a name alone leaves the account's username as it was.
    let notice = match notice {
        Some(APPROVED) => Some(match (&c.changes.name, &c.changes.id_number) {
            (Some(_), None) => "已审核通过，姓名已更正。",
            (None, Some(_)) => "已审核通过，身份证号码已更正，账号的用户名随之更改。",
            _ => APPROVED,
        }),
        other => other,
    };
    let pending = c.is_pending();
    let page = CorrectionPage {
        nav: Some(Nav::for_authority(state, user, &Authority::Admin(scope.clone())).await?),
        csrf: user.session.csrf_token.clone(),
        rows,
        requested_at: beijing(c.requested_at),
        decided_at: c.decided_at.map(beijing).unwrap_or_default(),
        member_visible: scope.covers(&c.org_path),
        can_decide: pending && c.decided_by(&scope),
        can_withdraw: pending && c.requested_by == scope.person_id() && scope.covers(&c.org_path),
        notice,
        error,
        c,
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("approve") => Some(APPROVED),
        Some("return") => Some("已退回，申请人可按退回意见修改后重新提交。"),
        Some("withdraw") => Some("已撤回该更正申请。"),
        _ => None,
    };
    render_correction(&state, &user, parse_id(&raw)?, notice, None, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    comment: String,
}

async fn decide_page(
    state: AppState,
    user: Signed,
    raw: String,
    decision: Decision,
    comment: &str,
) -> PageResult {
    let id = parse_id(&raw)?;
    let code = decision.code();
    match decide(&state, &user, id, decision, comment).await {
        Ok(_) => Ok(Redirect::to(&format!("/corrections/{id}?done={code}")).into_response()),
        Err(Failure::Fields(items)) => {
            let msg = items
                .iter()
                .map(|i| i.message.as_str())
                .collect::<Vec<_>>()
                .join("；");
            render_correction(
                &state,
                &user,
                id,
                None,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Failure::Fault(f)) if matches!(f.status, 400 | 403 | 409) => {
            let status = f.status();
            render_correction(&state, &user, id, None, Some(f.message), status).await
        }
        Err(Failure::Fault(f)) => Err(PageError(f)),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<DecisionForm>,
) -> PageResult {
    decide_page(state, user, raw, Decision::Approve, "").await
}

pub async fn return_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    decide_page(state, user, raw, Decision::Return, &form.comment).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<DecisionForm>,
) -> PageResult {
    decide_page(state, user, raw, Decision::Withdraw, "").await
}
