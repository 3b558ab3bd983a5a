//! 组织迁移 (seed, question 2): the organisation's own admin applies to move it under a new
//! parent in the same province; the old parent's admin approves, then the new parent's; either
//! may return it; the applicant may withdraw. A 团中央 admin moves any organisation below
//! provincial level at once, across provinces too.

use tuanjian_domain::{Action, BoundedText, ErrorCode, OrgLevel, Refusal};
use tuanjian_store::StoreError;
use tuanjian_store::org_moves::{
    Moved, OrgMove, Stage, apply_for_move, approve_move, move_directly, return_move, withdraw_move,
};
use tuanjian_store::org_search::{ProvinceChoice, SearchPage};
use tuanjian_store::orgs::Org;

use super::permit;
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

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

/// The fault for an organisation at provincial level or above, which never moves.
pub fn not_movable(org: &Org) -> Fault {
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
    app: &App,
    user: &Signed,
    org_id: i64,
) -> Result<(Authority, Org, Mode), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    let mode = mode_for(&authority, &org)?;
    Ok((authority, org, mode))
}

/// Where the signed-in admin may move an organisation: the candidates found by the search
/// typed, within the organisation's own province (团中央: any province chosen).
pub struct MoveChoices {
    pub authority: Authority,
    pub org: Org,
    pub mode: Mode,
    pub parent: Org,
    /// Direct moves choose any province; applications stay in their own.
    pub provinces: Vec<ProvinceChoice>,
    pub province_id: i64,
    pub province_name: String,
    /// The search text as used (trimmed, at most 60 characters).
    pub query: String,
    pub found: SearchPage,
    /// The organisation's latest move requests, newest first.
    pub history: Vec<OrgMove>,
}

/// Reads what the move form shows: the current parent, the candidates and the history.
pub async fn choices(
    app: &App,
    user: &Signed,
    org_id: i64,
    province_id: Option<&str>,
    q: &str,
    page: Option<i64>,
) -> Result<MoveChoices, Fault> {
    let (authority, org, mode) = target(app, user, org_id).await?;
    let direct = mode == Mode::Direct;
    let parent = match org.parent_id {
        Some(p) => app.store.org(p).await?,
        None => return Err(not_movable(&org)),
    };
    let provinces = if direct {
        app.store.province_choices().await?
    } else {
        vec![]
    };
    let own_province = org.province_id.unwrap_or_default();
    let province_id = if direct {
        province_id
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| provinces.iter().any(|c| c.id == *p))
            .unwrap_or(own_province)
    } else {
        own_province
    };
    let province_name = app.store.org(province_id).await?.full_name;
    let query = q.trim().chars().take(60).collect::<String>();
    let found = app
        .store
        .search_orgs(Some(province_id), &query, page.unwrap_or(1), 20)
        .await?;
    let history = app.store.moves_of_org(org.id, 20).await?;
    Ok(MoveChoices {
        authority,
        org,
        mode,
        parent,
        provinces,
        province_id,
        province_name,
        query,
        found,
        history,
    })
}

/// Applies for a move, or (团中央) moves at once. Returns the move's id.
pub async fn start(
    app: &App,
    user: &Signed,
    org_id: i64,
    to_parent_id: i64,
) -> Result<(i64, Option<Moved>), Fault> {
    let (_, org, mode) = target(app, user, org_id).await?;
    let unknown_parent = |e: StoreError| match e {
        StoreError::NotFound => Fault::new(
            ErrorCode::ToParentInvalid,
            "所选的新直属上级组织不存在，请重新搜索并选择",
        )
        .field("to_parent_id"),
        other => Fault::from(other),
    };
    let mut tx = app.store.begin().await?;
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

/// The move requests of an organisation in the signed-in person's scope, newest first.
pub async fn history(app: &App, user: &Signed, org_id: i64) -> Result<Vec<OrgMove>, Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::ViewHistory, &org)?;
    Ok(app.store.moves_of_org(org.id, 100).await?)
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

    /// The organisation itself is in the viewer's scope (its page can be linked).
    pub fn org_in_scope(&self) -> bool {
        matches!(&self.authority, Authority::Admin(s) if s.covers(&self.org.path))
    }
}

/// Reads a move request if the signed-in admin's scope covers the organisation, its old or its
/// new parent; otherwise "not found", so ids cannot be probed.
pub async fn visible(app: &App, user: &Signed, move_id: i64) -> Result<Visible, Fault> {
    let authority = authority::required(app, user).await?;
    let m = app.store.org_move(move_id).await?;
    let org = app.store.org(m.org_id).await?;
    let to_parent = app.store.org(m.to_parent_id).await?;
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

/// A move request by id, as stored now (after a decision, to answer with).
pub async fn read(app: &App, move_id: i64) -> Result<OrgMove, Fault> {
    Ok(app.store.org_move(move_id).await?)
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

/// The stage waiting for the signed-in admin, or why they may not decide now.
fn stage_to_decide(v: &Visible) -> Result<Stage, Fault> {
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
                return Err(Fault::from(Refusal {
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
    Ok(stage)
}

/// Approves (`approve`) or returns the request at the stage waiting for the signed-in admin.
/// Returns the move when the approval executed it.
pub async fn decide(
    app: &App,
    user: &Signed,
    move_id: i64,
    approve: bool,
    comment: Option<&str>,
) -> Result<Option<Moved>, Fault> {
    let v = visible(app, user, move_id).await?;
    let stage = stage_to_decide(&v)?;
    let comment = comment_of(comment, !approve)?;
    let mut tx = app.store.begin().await?;
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

/// The applicant withdraws a request still waiting.
pub async fn withdraw(app: &App, user: &Signed, move_id: i64) -> Result<(), Fault> {
    let v = visible(app, user, move_id).await?;
    permit(&v.authority, Action::ApplyMigration, &v.org)?;
    let mut tx = app.store.begin().await?;
    withdraw_move(&mut tx, &user.actor(), move_id).await?;
    tx.commit().await?;
    Ok(())
}
