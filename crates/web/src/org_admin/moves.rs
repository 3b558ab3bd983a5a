//! 组织迁移 (seed, question 2): the organisation's own admin applies to move it under a new
//! parent in the same province; the old parent's admin approves, then the new parent's; either
//! may return it; the applicant may withdraw. A 团中央 admin moves any organisation below
//! provincial level at once, across provinces too.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{Action, BoundedText, OrgLevel};
use tuanjian_store::StoreError;
use tuanjian_store::org_moves::{
    Moved, OrgMove, Stage, apply_for_move, approve_move, move_directly, return_move, withdraw_move,
};
use tuanjian_store::org_search::ProvinceChoice;
use tuanjian_store::orgs::Org;

use super::{fmt_time, permit, refusal, shown_on_page};
use crate::auth::csrf::CsrfForm;
use crate::auth::role::{self, Authority};
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// How the signed-in admin may move an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Its own admin applies; two approvals follow.
    Apply,
    /// A 团中央 admin moves it at once.
    Direct,
}

fn is_central(authority: &Authority) -> bool {
    matches!(authority, Authority::Admin(s) if s.org().level == OrgLevel::Central)
}

fn not_movable(org: &Org) -> Fault {
    Fault::new(
        ErrorCode::OrgNotMovable,
        format!(
            "{}是{}，不能迁移；只有省级团委以下的组织可以迁移。跨省组织迁移请省级团委管理员线下联系团中央，由团中央管理员办理",
            org.full_name,
            org.level.label()
        ),
    )
}

pub fn mode_for(authority: &Authority, org: &Org) -> Result<Mode, Fault> {
    if is_central(authority) {
        permit(authority, Action::MoveDirectly, org)?;
        if org.level <= OrgLevel::Provincial {
            return Err(not_movable(org));
        }
        return Ok(Mode::Direct);
    }
    permit(authority, Action::ApplyMigration, org)?;
    if org.level <= OrgLevel::Provincial {
        return Err(not_movable(org));
    }
    Ok(Mode::Apply)
}

/// The organisation to move and how, for the signed-in admin.
pub async fn target(
    state: &AppState,
    user: &Signed,
    org_id: i64,
) -> Result<(Authority, Org, Mode), Fault> {
    let authority = role::required(state, user).await?;
    let org = state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    let mode = mode_for(&authority, &org)?;
    Ok((authority, org, mode))
}

/// Applies for a move, or (团中央) moves at once; shared with the API. Returns the move's id.
pub async fn start(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    to_parent_id: i64,
) -> Result<(i64, Option<Moved>), Fault> {
    let (_, org, mode) = target(state, user, org_id).await?;
    let unknown_parent = |e: StoreError| match e {
        StoreError::NotFound => Fault::new(
            ErrorCode::ToParentInvalid,
            "所选的新直属上级组织不存在，请重新搜索并选择",
        )
        .field("to_parent_id"),
        other => Fault::from(other),
    };
    let mut tx = state.store.begin().await?;
    let out = match mode {
        Mode::Apply => apply_for_move(&mut tx, &user.actor(), user.person.id, org.id, to_parent_id)
            .await
            .map(|id| (id, None)),
        Mode::Direct => move_directly(&mut tx, &user.actor(), user.person.id, org.id, to_parent_id)
            .await
            .map(|(id, moved)| (id, Some(moved))),
    }
    .map_err(unknown_parent)?;
    tx.commit().await?;
    Ok(out)
}

/// A move request as seen by one signed-in admin, with what they may do with it.
pub struct Visible {
    pub authority: Authority,
    pub m: OrgMove,
    pub org: Org,
    pub to_parent: Org,
}

impl Visible {
    /// The approval this admin may give now, if any.
    pub fn stage_for_viewer(&self) -> Option<Stage> {
        let stage = Stage::of(self.m.status)?;
        match stage {
            Stage::OldParent => (permit(
                &self.authority,
                Action::DecideMigrationAsOldParent,
                &self.org,
            )
            .is_ok()
                && self.authority.org_id() == self.m.from_parent_id)
                .then_some(stage),
            Stage::NewParent => permit(
                &self.authority,
                Action::DecideMigrationAsNewParent,
                &self.to_parent,
            )
            .is_ok()
            .then_some(stage),
        }
    }

    pub fn may_withdraw(&self) -> bool {
        self.m.status.is_open()
            && permit(&self.authority, Action::ApplyMigration, &self.org).is_ok()
    }
}

/// Reads a move request if the signed-in admin's scope covers the organisation, its old or its
/// new parent; otherwise "not found", so ids cannot be probed.
pub async fn visible(state: &AppState, user: &Signed, move_id: i64) -> Result<Visible, Fault> {
    let authority = role::required(state, user).await?;
    let m = state.store.org_move(move_id).await?;
    let org = state.store.org(m.org_id).await?;
    let to_parent = state.store.org(m.to_parent_id).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(Fault::not_found());
    };
    let covers = scope.covers(&org.path)
        || scope.covers(&to_parent.path)
        || scope.org().id == m.from_parent_id;
    if !covers {
        return Err(Fault::not_found());
    }
    Ok(Visible {
        authority,
        m,
        org,
        to_parent,
    })
}

fn comment_of(raw: Option<&str>, required: bool) -> Result<Option<String>, Fault> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return if required {
            Err(Fault::new(
                ErrorCode::CommentRequired,
                "退回时请填写退回意见，说明退回的原因和需要怎样处理",
            )
            .field("comment"))
        } else {
            Ok(None)
        };
    }
    BoundedText::<500>::parse(raw, "审批意见")
        .map(|t| Some(t.into_string()))
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("comment"))
}

/// Approves (`approve`) or returns the request at the stage waiting for the signed-in admin;
/// shared with the API. Returns the move when the approval executed it.
pub async fn decide(
    state: &AppState,
    user: &Signed,
    move_id: i64,
    approve: bool,
    comment: Option<&str>,
) -> Result<Option<Moved>, Fault> {
    let v = visible(state, user, move_id).await?;
    let Some(stage) = Stage::of(v.m.status) else {
        return Err(Fault::new(
            ErrorCode::MoveNotPending,
            format!("该迁移申请当前状态为“{}”，不能再审批", v.m.status.label()),
        ));
    };
    match stage {
        Stage::OldParent => {
            permit(&v.authority, Action::DecideMigrationAsOldParent, &v.org)?;
            if v.authority.org_id() != v.m.from_parent_id {
                return Err(refusal(tuanjian_domain::Refusal {
                    code: ErrorCode::NotDirectSuperior,
                    message: "此迁移申请现在等待原直属上级组织的管理员审批",
                }));
            }
        }
        Stage::NewParent => {
            permit(
                &v.authority,
                Action::DecideMigrationAsNewParent,
                &v.to_parent,
            )?;
        }
    }
    let comment = comment_of(comment, !approve)?;
    let mut tx = state.store.begin().await?;
    let moved = if approve {
        approve_move(
            &mut tx,
            &user.actor(),
            user.person.id,
            move_id,
            stage,
            comment.as_deref(),
        )
        .await?
    } else {
        return_move(
            &mut tx,
            &user.actor(),
            user.person.id,
            move_id,
            stage,
            comment.as_deref().unwrap_or_default(),
        )
        .await?;
        None
    };
    tx.commit().await?;
    Ok(moved)
}

/// The applicant withdraws a request still waiting; shared with the API.
pub async fn withdraw(state: &AppState, user: &Signed, move_id: i64) -> Result<(), Fault> {
    let v = visible(state, user, move_id).await?;
    permit(&v.authority, Action::ApplyMigration, &v.org)?;
    let mut tx = state.store.begin().await?;
    withdraw_move(&mut tx, &user.actor(), move_id).await?;
    tx.commit().await?;
    Ok(())
}

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
    let (authority, org, mode) = target(state, user, org_id).await?;
    let direct = mode == Mode::Direct;
    let parent = match org.parent_id {
        Some(p) => state.store.org(p).await?,
        None => return Err(PageError(not_movable(&org))),
    };
    let provinces = if direct {
        state.store.province_choices().await?
    } else {
        vec![]
    };
    let own_province = org.province_id.unwrap_or_default();
    let province_id = if direct {
        q.province_id
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| provinces.iter().any(|c| c.id == *p))
            .unwrap_or(own_province)
    } else {
        own_province
    };
    let province_name = state.store.org(province_id).await?.full_name;
    let query = q.q.trim().chars().take(60).collect::<String>();
    let searched = !query.is_empty();
    let result = state
        .store
        .search_orgs(Some(province_id), &query, q.page.unwrap_or(1), 20)
        .await?;
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
    let moves = state.store.moves_of_org(org.id, 20).await?;
    let open_move = moves.iter().find(|m| m.status.is_open()).map(MoveRow::from);
    let page = MovePage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        csrf: user.session.csrf_token.clone(),
        parent_full_name: parent.full_name,
        direct,
        open_move,
        history: moves.iter().map(MoveRow::from).collect(),
        provinces,
        province_id,
        province_name,
        q: query,
        searched,
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
    let org_in_scope = matches!(&v.authority, Authority::Admin(s) if s.covers(&v.org.path));
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
