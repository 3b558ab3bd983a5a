//! 组织迁移 (seed, question 2): the organisation's own admin applies to move it under a new
//! parent in the same province; the old parent's admin approves, then the new parent's; either
//! may return it; the applicant may withdraw. A 团中央 admin moves any organisation below
//! provincial level at once, across provinces too.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::org_admin::moves::{Mode, choices, decide, start, visible, withdraw};
use tuanjian_domain::ErrorCode;
use tuanjian_store::org_moves::{OrgMove, Stage};
use tuanjian_store::org_search::ProvinceChoice;
use tuanjian_store::orgs::Org;

use super::{fmt_time, shown_on_page};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// A move request for the templates.
pub struct MoveRow {
    pub id: i64,
    pub org_id: i64,
    pub org_full_name: String,
    pub from: String,
    pub to: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub requested_by: String,
    pub requested_at: String,
    pub old_decided_at: Option<String>,
    pub new_decided_at: Option<String>,
    pub comment: Option<String>,
    pub open: bool,
}

impl From<&OrgMove> for MoveRow {
    fn from(m: &OrgMove) -> Self {
        Self {
            id: m.id,
            org_id: m.org_id,
            org_full_name: m.org_full_name.clone(),
            from: m.from_parent_full_name.clone(),
            to: m.to_parent_full_name.clone(),
            status: m.status.code(),
            status_label: m.status.label(),
            requested_by: m.requested_by_name.clone(),
            requested_at: fmt_time(m.requested_at),
            old_decided_at: m.old_decided_at.map(fmt_time),
            new_decided_at: m.new_decided_at.map(fmt_time),
            comment: m.comment.clone(),
            open: m.status.is_open(),
        }
    }
}

pub struct Candidate {
    pub id: i64,
    pub full_name: String,
    pub kind_label: String,
    pub parent_full_name: String,
    /// The organisation itself or its current parent: no button.
    pub note: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin_move.html")]
struct MovePage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org: Org,
    parent_full_name: String,
    direct: bool,
    open_move: Option<MoveRow>,
    history: Vec<MoveRow>,
    /// Direct moves choose any province; applications stay in their own.
    provinces: Vec<ProvinceChoice>,
    province_id: i64,
    province_name: String,
    q: String,
    searched: bool,
    candidates: Vec<Candidate>,
    page: i64,
    pages: i64,
    total: i64,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct MoveQuery {
    #[serde(default)]
    q: String,
    province_id: Option<String>,
    page: Option<i64>,
}

async fn render_move(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    q: &MoveQuery,
    error: Option<String>,
) -> PageResult {
    let c = choices(state, user, org_id, q.province_id.as_deref(), &q.q, q.page).await?;
    let org = c.org;
    let result = c.found;
    let candidates = result
        .items
        .iter()
        .map(|h| Candidate {
            id: h.id,
            full_name: h.full_name.clone(),
            kind_label: h.kind_label(),
            parent_full_name: h.parent_full_name.clone().unwrap_or_default(),
            note: if h.id == org.id {
                Some("本组织")
            } else if Some(h.id) == org.parent_id {
                Some("现在的直属上级")
            } else {
                None
            },
        })
        .collect();
    let moves = c.history;
    let open_move = moves.iter().find(|m| m.status.is_open()).map(MoveRow::from);
    let page = MovePage {
        nav: Some(Nav::for_authority(state, user, &c.authority).await?),
        crumbs: OrgCrumbs::read(state, &c.authority, org.id, "组织迁移").await?,
        csrf: user.session.csrf_token.clone(),
        parent_full_name: c.parent.full_name,
        direct: c.mode == Mode::Direct,
        open_move,
        history: moves.iter().map(MoveRow::from).collect(),
        provinces: c.provinces,
        province_id: c.province_id,
        province_name: c.province_name,
        searched: !c.query.is_empty(),
        q: c.query,
        candidates,
        page: result.page,
        pages: result.pages(),
        total: result.total,
        error,
        org,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<MoveQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    render_move(&state, &user, id, &q, None).await
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    to_parent_id: String,
    #[serde(default)]
    q: String,
    province_id: Option<String>,
}

pub async fn start_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<StartForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = match form.to_parent_id.trim().parse::<i64>() {
        Ok(to) if to > 0 => start(&state, &user, id, to).await,
        _ => Err(
            Fault::new(ErrorCode::ToParentInvalid, "请先搜索并选择新的直属上级组织")
                .field("to_parent_id"),
        ),
    };
    match outcome {
        Ok((move_id, moved)) => {
            let done = if moved.is_some() { "moved" } else { "applied" };
            Ok(Redirect::to(&format!("/moves/{move_id}?done={done}")).into_response())
        }
        Err(f) if shown_on_page(&f) => {
            let q = MoveQuery {
                q: form.q,
                province_id: form.province_id,
                page: None,
            };
            let mut res = render_move(&state, &user, id, &q, Some(f.message.clone())).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Template)]
#[template(path = "admin_move_detail.html")]
struct MoveDetailPage {
    nav: Option<Nav>,
    csrf: String,
    m: MoveRow,
    /// What the viewer decides now: "原直属上级审批" or "迁入组织审批".
    decide_as: Option<&'static str>,
    may_withdraw: bool,
    org_in_scope: bool,
    notice: Option<&'static str>,
    error: Option<String>,
    comment: String,
}

async fn render_detail(
    state: &AppState,
    user: &Signed,
    move_id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
    comment: String,
) -> PageResult {
    let v = visible(state, user, move_id).await?;
    let decide_as = v.stage_for_viewer().map(|s| match s {
        Stage::OldParent => "原直属上级审批",
        Stage::NewParent => "迁入组织审批",
    });
    let org_in_scope = v.org_in_scope();
    let page = MoveDetailPage {
        nav: Some(Nav::for_authority(state, user, &v.authority).await?),
        csrf: user.session.csrf_token.clone(),
        m: MoveRow::from(&v.m),
        decide_as,
        may_withdraw: v.may_withdraw(),
        org_in_scope,
        notice,
        error,
        comment,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct DetailQuery {
    done: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DetailQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let notice = match q.done.as_deref() {
        Some("applied") => Some("迁移申请已提交，等待原直属上级组织的管理员审批。"),
        Some("moved") => Some("组织（连同全部下级组织）已迁移到新的直属上级下。"),
        Some("approved") => Some("已审批通过。"),
        Some("returned") => Some("已退回该迁移申请。"),
        Some("withdrawn") => Some("已撤回该迁移申请。"),
        _ => None,
    };
    render_detail(&state, &user, id, notice, None, String::new()).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    comment: Option<String>,
}

async fn after_decision(
    state: &AppState,
    user: &Signed,
    move_id: i64,
    outcome: Result<&'static str, Fault>,
    comment: String,
) -> PageResult {
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/moves/{move_id}?done={done}")).into_response()),
        Err(f) if shown_on_page(&f) => {
            let mut res =
                render_detail(state, user, move_id, None, Some(f.message.clone()), comment).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

pub async fn approve_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = decide(&state, &user, id, true, form.comment.as_deref())
        .await
        .map(|_| "approved");
    after_decision(&state, &user, id, outcome, form.comment.unwrap_or_default()).await
}

pub async fn return_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = decide(&state, &user, id, false, form.comment.as_deref())
        .await
        .map(|_| "returned");
    after_decision(&state, &user, id, outcome, form.comment.unwrap_or_default()).await
}

#[derive(Deserialize)]
pub struct WithdrawForm {}

pub async fn withdraw_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<WithdrawForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = withdraw(&state, &user, id).await.map(|_| "withdrawn");
    after_decision(&state, &user, id, outcome, String::new()).await
}
