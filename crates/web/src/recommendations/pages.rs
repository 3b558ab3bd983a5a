//! The 推优入党 pages: a member's record with the forms for the next step, and the subtree's list.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tuanjian_app::beijing::beijing;
use tuanjian_app::recommendations::lists::{PER_PAGE, RecList, list};
use tuanjian_app::recommendations::steps::{decide, joined, record};
use tuanjian_app::recommendations::{RecView, form_file, view};
use tuanjian_domain::recommendation::{RecStatus, Stage};
use tuanjian_store::entry_faults::beijing_today;

use super::receive::{file_of, receive};
use super::{shown_on_page, stage_of};
use crate::auth::csrf::{CsrfForm, csrf_fault, same_token};
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "recommendation_member.html")]
struct MemberPage {
    nav: Option<Nav>,
    csrf: String,
    person_id: i64,
    name: String,
    id_number: String,
    branch_name: String,
    status: Option<RecStatus>,
    status_label: &'static str,
    applied_month: String,
    recommended_on: String,
    recommend_decided: String,
    confirmed_on: String,
    confirm_decided: String,
    has_confirm_form: bool,
    joined_month: String,
    comment: String,
    may_recommend: bool,
    may_confirm: bool,
    may_join: bool,
    may_decide: bool,
    waiting: Option<&'static str>,
    today: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

fn notice_of(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "recommend" => Some("推荐已提交，等待上级组织审批。"),
        "confirm" => Some("确定发展对象已提交，等待上级组织审批。"),
        "approved" => Some("已批准。"),
        "returned" => Some("已退回团支部，并附上退回意见。"),
        "joined" => Some("已记录入党年月，团员的政治面貌已改为中共预备党员。"),
        _ => None,
    }
}

fn decided(at: Option<i64>, by: &Option<String>) -> String {
    at.map(|t| format!("{} {}", by.clone().unwrap_or_default(), beijing(t)))
        .unwrap_or_default()
}

async fn render(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let v: RecView = view(state, user, person_id).await?;
    let status = v.rec.as_ref().map(|r| r.status);
    let normal = v.member.status == tuanjian_domain::MembershipStatus::Normal;
    let page = MemberPage {
        nav: Some(Nav::for_authority(state, user, &v.authority).await?),
        csrf: user.session.csrf_token.clone(),
        person_id,
        name: v.member.name.clone(),
        id_number: v.member.id_number.masked(),
        branch_name: v.member.branch.full_name.clone(),
        status,
        status_label: status.map_or("未推荐", |s| s.label()),
        applied_month: v
            .rec
            .as_ref()
            .map(|r| r.applied_month.clone())
            .unwrap_or_default(),
        recommended_on: v
            .rec
            .as_ref()
            .map(|r| r.recommended_on.clone())
            .unwrap_or_default(),
        recommend_decided: v
            .rec
            .as_ref()
            .map(|r| decided(r.recommend_decided_at, &r.recommend_decided_by_name))
            .unwrap_or_default(),
        confirmed_on: v
            .rec
            .as_ref()
            .and_then(|r| r.confirmed_on.clone())
            .unwrap_or_default(),
        confirm_decided: v
            .rec
            .as_ref()
            .map(|r| decided(r.confirm_decided_at, &r.confirm_decided_by_name))
            .unwrap_or_default(),
        has_confirm_form: v.rec.as_ref().is_some_and(|r| r.confirm_file_id.is_some()),
        joined_month: v
            .rec
            .as_ref()
            .and_then(|r| r.joined_month.clone())
            .unwrap_or_default(),
        comment: v
            .rec
            .as_ref()
            .and_then(|r| r.comment.clone())
            .unwrap_or_default(),
        may_recommend: v.may_record && normal && RecStatus::allows(status, Stage::Recommend),
        may_confirm: v.may_record && normal && RecStatus::allows(status, Stage::Confirm),
        may_join: v.may_record && status == Some(RecStatus::Confirmed),
        may_decide: v.may_decide && status.and_then(|s| s.waiting()).is_some(),
        waiting: status.and_then(|s| s.waiting()).map(|s| s.label()),
        today: beijing_today().to_string(),
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    render(
        &state,
        &user,
        parse_id(&raw)?,
        notice_of(q.done.as_deref()),
        None,
    )
    .await
}

async fn after(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    outcome: Result<&str, Fault>,
) -> PageResult {
    match outcome {
        Ok(done) => Ok(
            Redirect::to(&format!("/members/{person_id}/recommendation?done={done}"))
                .into_response(),
        ),
        Err(f) if shown_on_page(&f) => {
            let mut res = render(state, user, person_id, None, Some(f.message.clone())).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

pub async fn record_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, stage)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let person_id = parse_id(&raw)?;
    let stage = stage_of(&stage)?;
    let up = receive(multipart).await;
    // The CSRF check comes first: a forged request learns nothing about the file rules.
    if let Ok(u) = &up
        && !u
            .csrf
            .as_deref()
            .is_some_and(|c| same_token(c, &user.session.csrf_token))
    {
        return Err(PageError(csrf_fault()));
    }
    let outcome = match up {
        Ok(u) => match file_of(&u) {
            Ok(file) => record(
                &state,
                &user,
                person_id,
                stage,
                &u.date,
                &u.applied_month,
                file,
            )
            .await
            .map(|_| stage.code()),
            Err(f) => Err(f),
        },
        Err(f) => Err(f),
    };
    after(&state, &user, person_id, outcome).await
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
}

pub async fn approve_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = decide(&state, &user, id, true, Some(&form.comment))
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
    let outcome = decide(&state, &user, id, false, Some(&form.comment))
        .await
        .map(|_| "returned");
    after(&state, &user, id, outcome).await
}

#[derive(Deserialize)]
pub struct JoinedForm {
    #[serde(default)]
    month: String,
}

pub async fn joined_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<JoinedForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = joined(&state, &user, id, &form.month)
        .await
        .map(|_| "joined");
    after(&state, &user, id, outcome).await
}

pub async fn form_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, stage)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let person_id = parse_id(&raw)?;
    let stage = stage_of(&stage)?;
    let file = form_file(&state, &user, person_id, stage).await?;
    Ok(crate::pdf_download::pdf_attachment(
        state.clone(),
        file,
        &format!("recommendation-{}-{person_id}.pdf", stage.code()),
        &format!("推优入党-{}-{person_id}.pdf", stage.label()),
    ))
}

#[derive(Template)]
#[template(path = "recommendations_list.html")]
struct ListPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    l: RecList,
    statuses: Vec<(&'static str, &'static str)>,
    current: &'static str,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

impl ListPage {
    fn masked(&self, id: &str) -> String {
        tuanjian_domain::IdNumber::parse(id)
            .map(|i| i.masked())
            .unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub status: Option<String>,
    pub page: Option<String>,
}

pub async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let l = list(
        &state,
        &user,
        parse_id(&raw)?,
        q.status.as_deref(),
        q.page.as_deref(),
    )
    .await?;
    let pages = ((l.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let current = l.status.map_or("", |s| s.code());
    let link = |p: i64| {
        format!(
            "/orgs/{}/recommendations?status={current}&page={p}",
            l.org.id
        )
    };
    let page = ListPage {
        nav: Some(Nav::for_authority(&state, &user, &l.authority).await?),
        crumbs: OrgCrumbs::read(&state, &l.authority, l.org.id, "推优入党").await?,
        statuses: RecStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        current,
        prev: (l.page > 1).then(|| link(l.page - 1)),
        next: (l.page < pages).then(|| link(l.page + 1)),
        pages,
        l,
    };
    Ok(Html(page.render()?).into_response())
}
