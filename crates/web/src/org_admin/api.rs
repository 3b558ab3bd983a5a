//! JSON API for admins, migration, deletion, search and the inbox. Each handler calls the same
//! service function as its page.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::org_admin::{admins, delete, inbox as inbox_svc, moves, search as search_svc};
use tuanjian_store::org_admins::AdminEntry;
use tuanjian_store::org_moves::{Moved, OrgMove};
use utoipa::ToSchema;

use super::search::SearchQuery;
use crate::api::account::Done;
use crate::auth::role;
use crate::auth::user::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct AdminBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    /// When the person became admin (Unix seconds).
    pub since: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AdminsResponse {
    pub org_id: i64,
    pub admins: Vec<AdminBody>,
}

fn admins_body(org_id: i64, admins: Vec<AdminEntry>) -> ApiResult<AdminsResponse> {
    let admins = admins
        .into_iter()
        .map(|a| AdminBody {
            person_id: a.person_id,
            name: a.name,
            id_number: a.id_number_masked,
            since: a.since,
        })
        .collect();
    Ok(Json(AdminsResponse { org_id, admins }))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/admins", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = AdminsResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_admins(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<AdminsResponse> {
    let id = parse_id(&raw)?;
    let of = admins::list(&state, &user, id).await?;
    admins_body(of.org.id, of.admins)
}

#[derive(Deserialize, ToSchema)]
pub struct AddAdminRequest {
    /// The new admin's ID number; they must already hold a cadre post in this organisation.
    pub id_number: String,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/admins", params(("id" = i64, Path, description = "organisation id")),
    request_body = AddAdminRequest,
    responses((status = 200, body = AdminsResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "person_not_in_system, not_a_cadre, already_admin")))]
pub async fn add_admin(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<AddAdminRequest>,
) -> ApiResult<AdminsResponse> {
    let id = parse_id(&raw)?;
    admins::add(&state, &user, id, &body.id_number).await?;
    let of = admins::list(&state, &user, id).await?;
    admins_body(id, of.admins)
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/admins/{person_id}/revoke",
    params(("id" = i64, Path, description = "organisation id"), ("person_id" = i64, Path, description = "the admin to revoke")),
    responses((status = 200, body = AdminsResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not_admin, cannot_revoke_self")))]
pub async fn revoke_admin(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, raw_person)): Path<(String, String)>,
) -> ApiResult<AdminsResponse> {
    let id = parse_id(&raw)?;
    let person_id = parse_id(&raw_person)?;
    admins::revoke(&state, &user, id, person_id).await?;
    let of = admins::list(&state, &user, id).await?;
    admins_body(id, of.admins)
}

#[derive(Serialize, ToSchema)]
pub struct MoveBody {
    pub id: i64,
    pub org_id: i64,
    pub org_full_name: String,
    pub from_parent_id: i64,
    pub from_parent_full_name: String,
    pub to_parent_id: i64,
    pub to_parent_full_name: String,
    /// pending_old, pending_new, approved, returned, withdrawn or moved
    pub status: &'static str,
    pub status_label: &'static str,
    pub requested_by_name: String,
    /// Unix seconds.
    pub requested_at: i64,
    pub old_decided_at: Option<i64>,
    pub new_decided_at: Option<i64>,
    pub comment: Option<String>,
    /// Present when this call moved the organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<MovedBody>,
}

#[derive(Serialize, ToSchema)]
pub struct MovedBody {
    pub before_path: String,
    pub after_path: String,
    /// Organisations moved: the organisation and all below it.
    pub subtree_size: u64,
}

impl MoveBody {
    fn new(m: &OrgMove, moved: Option<Moved>) -> Self {
        Self {
            id: m.id,
            org_id: m.org_id,
            org_full_name: m.org_full_name.clone(),
            from_parent_id: m.from_parent_id,
            from_parent_full_name: m.from_parent_full_name.clone(),
            to_parent_id: m.to_parent_id,
            to_parent_full_name: m.to_parent_full_name.clone(),
            status: m.status.code(),
            status_label: m.status.label(),
            requested_by_name: m.requested_by_name.clone(),
            requested_at: m.requested_at,
            old_decided_at: m.old_decided_at,
            new_decided_at: m.new_decided_at,
            comment: m.comment.clone(),
            moved: moved.map(|x| MovedBody {
                before_path: x.before_path,
                after_path: x.after_path,
                subtree_size: x.subtree_size,
            }),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MoveRequest {
    /// The new direct parent.
    pub to_parent_id: i64,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/move", params(("id" = i64, Path, description = "organisation to move")),
    request_body = MoveRequest,
    description = "The organisation's own admin applies (status pending_old); a 团中央 admin moves it at once (status moved).",
    responses((status = 200, body = MoveBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "move_across_provinces, move_under_itself, move_under_descendant, move_same_parent, org_kind_not_allowed, move_already_open, org_not_movable")))]
pub async fn move_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<MoveRequest>,
) -> ApiResult<MoveBody> {
    let id = parse_id(&raw)?;
    let (move_id, moved) = moves::start(&state, &user, id, body.to_parent_id).await?;
    let m = moves::read(&state, move_id).await?;
    Ok(Json(MoveBody::new(&m, moved)))
}

#[derive(Serialize, ToSchema)]
pub struct MovesResponse {
    pub items: Vec<MoveBody>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/moves", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = MovesResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn moves_of_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<MovesResponse> {
    let id = parse_id(&raw)?;
    let items = moves::history(&state, &user, id)
        .await?
        .iter()
        .map(|m| MoveBody::new(m, None))
        .collect();
    Ok(Json(MovesResponse { items }))
}

#[utoipa::path(get, path = "/api/v1/moves/{id}", params(("id" = i64, Path, description = "move request id")),
    responses((status = 200, body = MoveBody), (status = 404, body = ErrorBody)))]
pub async fn show_move(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<MoveBody> {
    let id = parse_id(&raw)?;
    let v = moves::visible(&state, &user, id).await?;
    Ok(Json(MoveBody::new(&v.m, None)))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct DecisionRequest {
    /// Optional when approving, required when returning (at most 500 characters).
    #[serde(default)]
    pub comment: Option<String>,
}

async fn decided(state: &AppState, id: i64, moved: Option<Moved>) -> ApiResult<MoveBody> {
    let m = moves::read(state, id).await?;
    Ok(Json(MoveBody::new(&m, moved)))
}

#[utoipa::path(post, path = "/api/v1/moves/{id}/approve", params(("id" = i64, Path, description = "move request id")),
    request_body = DecisionRequest,
    description = "By the old parent's admin (pending_old → pending_new), then the new parent's (pending_new → approved: the subtree moves).",
    responses((status = 200, body = MoveBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve_move(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> ApiResult<MoveBody> {
    let id = parse_id(&raw)?;
    let moved = moves::decide(&state, &user, id, true, body.comment.as_deref()).await?;
    decided(&state, id, moved).await
}

#[utoipa::path(post, path = "/api/v1/moves/{id}/return", params(("id" = i64, Path, description = "move request id")),
    request_body = DecisionRequest,
    responses((status = 200, body = MoveBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn return_move(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> ApiResult<MoveBody> {
    let id = parse_id(&raw)?;
    moves::decide(&state, &user, id, false, body.comment.as_deref()).await?;
    decided(&state, id, None).await
}

#[utoipa::path(post, path = "/api/v1/moves/{id}/withdraw", params(("id" = i64, Path, description = "move request id")),
    responses((status = 200, body = MoveBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw_move(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<MoveBody> {
    let id = parse_id(&raw)?;
    moves::withdraw(&state, &user, id).await?;
    decided(&state, id, None).await
}

#[utoipa::path(delete, path = "/api/v1/orgs/{id}", params(("id" = i64, Path, description = "organisation id")),
    description = "By the direct superior's admin; only without members and children. Admins keep their accounts.",
    responses((status = 200, body = Done), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "org_has_children, org_has_members, org_not_deletable")))]
pub async fn delete_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<Done> {
    let id = parse_id(&raw)?;
    delete::delete(&state, &user, id).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Serialize, ToSchema)]
pub struct SearchHitBody {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
    /// 组织类别 code.
    pub kind: &'static str,
    pub kind_label: String,
    pub parent_short_name: Option<String>,
    pub parent_full_name: Option<String>,
    /// The full name is exactly the text searched for (listed first).
    pub exact: bool,
    /// The caller (by bearer token, in the session's role) may open the organisation
    /// (`GET /api/v1/orgs/{id}`, the page /orgs/{id}).
    pub open: bool,
    /// Why not, in Chinese, when `open` is false.
    pub closed_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    pub items: Vec<SearchHitBody>,
    /// Matches, counted up to 1000.
    pub total: i64,
    /// More than `total` matches exist.
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

#[utoipa::path(get, path = "/api/v1/orgs/search", security(()), params(SearchQuery),
    description = "Public (no sign-in). Exact full-name match first, then names containing the text in name order (pinyin, numbers by value), within the chosen province or 系统团委. With a bearer token, `open` tells which the caller's role may open.",
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    user: Result<ApiUser, ApiError>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<SearchResponse> {
    let page = search_svc::run(&state, &q.input()).await?.page;
    // A public search: an absent or unusable token only means nothing opens.
    let authority = match &user {
        Ok(ApiUser(u)) => role::current(&state, u).await?,
        Err(_) => None,
    };
    Ok(Json(SearchResponse {
        pages: page.pages(),
        items: page
            .items
            .iter()
            .map(|h| {
                let reach = search_svc::reach(authority.as_ref(), h);
                SearchHitBody {
                    id: h.id,
                    short_name: h.short_name.clone(),
                    full_name: h.full_name.clone(),
                    kind: h.kind.code(),
                    kind_label: h.kind_label(),
                    parent_short_name: h.parent_short_name.clone(),
                    parent_full_name: h.parent_full_name.clone(),
                    exact: h.exact,
                    open: reach.is_open(),
                    closed_reason: reach.reason().map(str::to_string),
                }
            })
            .collect(),
        total: page.total,
        total_capped: page.total_capped,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ProvinceBody {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
}

#[utoipa::path(get, path = "/api/v1/provinces", security(()),
    description = "Public. The provincial-level committees and 系统团委 to search within.",
    responses((status = 200, body = [ProvinceBody])))]
pub async fn provinces(State(state): State<AppState>) -> ApiResult<Vec<ProvinceBody>> {
    Ok(Json(
        search_svc::provinces(&state)
            .await?
            .into_iter()
            .map(|p| ProvinceBody {
                id: p.id,
                short_name: p.short_name,
                full_name: p.full_name,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct InboxItemBody {
    /// info_change, move_out (as the old parent) or move_in (as the new parent)
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// The change's or the move's id.
    pub id: i64,
    pub org_id: i64,
    pub org_full_name: String,
    pub to_parent_full_name: Option<String>,
    pub requested_by_name: String,
    /// Unix seconds.
    pub requested_at: i64,
    /// The page where it is decided.
    pub link: String,
    /// Who the item is about (applicant, person corrected, member transferred); null for an
    /// organisation's change or move.
    pub person: Option<InboxPersonBody>,
}

#[derive(Serialize, ToSchema)]
pub struct InboxPersonBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
}

#[derive(Serialize, ToSchema)]
pub struct InboxResponse {
    pub org_id: i64,
    pub count: i64,
    /// Oldest first (at most 500).
    pub items: Vec<InboxItemBody>,
}

#[utoipa::path(get, path = "/api/v1/inbox",
    responses((status = 200, body = InboxResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<InboxResponse> {
    let inbox = inbox_svc::load(&state, &user).await?;
    Ok(Json(InboxResponse {
        org_id: inbox.scope.org().id,
        count: inbox.count,
        items: inbox
            .items
            .iter()
            .map(|i| InboxItemBody {
                kind: i.kind.code(),
                kind_label: i.kind.label(),
                id: i.id,
                org_id: i.org_id,
                org_full_name: i.org_full_name.clone(),
                to_parent_full_name: i.to_parent_full_name.clone(),
                requested_by_name: i.requested_by_name.clone(),
                requested_at: i.requested_at,
                link: i.link(),
                person: i.person.as_ref().map(|p| InboxPersonBody {
                    person_id: p.person_id,
                    name: p.name.clone(),
                    id_number: p.id_number.masked(),
                }),
            })
            .collect(),
    }))
}
