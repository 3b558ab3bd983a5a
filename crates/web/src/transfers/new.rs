//! Starting a transfer: the member's form (个人中心), 办理转出 (a branch's members, ticked) and
//! 办理转入 (a member named by name and ID number). One template, three modes. The search
//! button re-renders the form with the organisations found, writing nothing.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tuanjian_app::Fault;
use tuanjian_app::transfers::start::{self, NamedMember};
use tuanjian_app::transfers::view::BRANCH_CHOICES;
use tuanjian_domain::transfer::TransferInput;
use tuanjian_store::orgs::Org;

use super::form::{
    Choice, DestinationView, Fields, destination, own_system_choices, reason_choices,
};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// A member on the 办理转出 form.
pub struct MemberChoice {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub org_name: String,
    pub join_month: String,
    pub checked: bool,
    pub open_transfer: Option<i64>,
}

#[derive(Template)]
#[template(path = "transfer_new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    /// member, out or in
    mode: &'static str,
    title: String,
    action: String,
    f: Fields,
    reasons: Vec<Choice>,
    own_systems: Vec<Choice>,
    dest: Option<DestinationView>,
    members: Vec<MemberChoice>,
    branches: Vec<Choice>,
    error: Option<String>,
}

impl NewPage {
    fn new(
        nav: Nav,
        user: &Signed,
        mode: &'static str,
        title: String,
        action: String,
        f: Fields,
    ) -> Self {
        Self {
            nav: Some(nav),
            csrf: user.session.csrf_token.clone(),
            mode,
            title,
            action,
            reasons: reason_choices(&f.reason),
            own_systems: own_system_choices(&f.own_system_province),
            f,
            dest: None,
            members: vec![],
            branches: vec![],
            error: None,
        }
    }

    fn respond(self, status: StatusCode) -> PageResult {
        let mut res = Html(self.render()?).into_response();
        *res.status_mut() = status;
        Ok(res)
    }
}

/// Bad input and conflicts are shown on the form again; refusals get the error page.
fn on_form(f: &Fault) -> bool {
    matches!(f.status, 400 | 404 | 409) && f.code != tuanjian_domain::ErrorCode::NotFound
}

fn started(ids: &[i64]) -> Response {
    match ids {
        [one] => Redirect::to(&format!("/transfers/{one}?done=started")).into_response(),
        _ => Redirect::to(&format!("/transfers?side=out&done={}", ids.len())).into_response(),
    }
}

async fn member_page(
    state: &AppState,
    user: &Signed,
    f: Fields,
    error: Option<Fault>,
) -> PageResult {
    let mut page = NewPage::new(
        super::nav(state, user).await?,
        user,
        "member",
        "申请组织关系转接".into(),
        "/me/transfers/new".into(),
        f,
    );
    page.dest = Some(destination(state, &page.f).await?);
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    page.error = error.map(|e| e.message);
    page.respond(status)
}

pub async fn member_form(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    member_page(&state, &user, Fields::default(), None).await
}

pub async fn member_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let f = Fields::from_pairs(&pairs);
    if f.searching() {
        return member_page(&state, &user, f, None).await;
    }
    match start::by_member(&state, &user, &f.input()).await {
        Ok(id) => Ok(started(&[id])),
        Err(e) if on_form(&e) => member_page(&state, &user, f, Some(e)).await,
        Err(e) => Err(PageError(e)),
    }
}

async fn out_page(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    f: Fields,
    error: Option<Fault>,
) -> PageResult {
    let form = start::out_form(state, user, org_id).await?;
    let ticked: Vec<i64> = f
        .person_ids
        .iter()
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut page = NewPage::new(
        super::nav(state, user).await?,
        user,
        "out",
        format!("办理转出：{}", form.org.full_name),
        format!("/orgs/{org_id}/transfers/out/new"),
        f,
    );
    page.members = form
        .members
        .iter()
        .map(|m| MemberChoice {
            person_id: m.person_id,
            name: m.name.clone(),
            id_number: m.id_number.masked(),
            org_name: m.org_name.clone(),
            join_month: m.join_month.clone().unwrap_or_default(),
            checked: ticked.contains(&m.person_id),
            open_transfer: m.open_transfer,
        })
        .collect();
    page.dest = Some(destination(state, &page.f).await?);
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    page.error = error.map(|e| e.message);
    page.respond(status)
}

#[derive(serde::Deserialize, Default)]
pub struct OutQuery {
    /// Members ticked in advance, comma-separated (the graduates of a branch).
    person_ids: Option<String>,
}

pub async fn out_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<OutQuery>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let f = Fields {
        person_ids: q
            .person_ids
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        ..Fields::default()
    };
    out_page(&state, &user, org_id, f, None).await
}

pub async fn out_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let f = Fields::from_pairs(&pairs);
    if f.searching() {
        return out_page(&state, &user, org_id, f, None).await;
    }
    let outcome = match f.person_ids() {
        Ok(ids) => start::out(&state, &user, org_id, &ids, &f.input()).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(ids) => Ok(started(&ids)),
        Err(e) if on_form(&e) => out_page(&state, &user, org_id, f, Some(e)).await,
        Err(e) => Err(PageError(e)),
    }
}

async fn in_page(
    state: &AppState,
    user: &Signed,
    org: Org,
    f: Fields,
    error: Option<Fault>,
) -> PageResult {
    let chosen = f.branch_id();
    let branches = if org.kind.is_branch() {
        vec![]
    } else {
        state
            .store
            .branches_under(&org.path, BRANCH_CHOICES)
            .await?
            .into_iter()
            .map(|b| Choice {
                selected: Some(b.id) == chosen,
                value: b.id.to_string(),
                label: b.full_name,
            })
            .collect()
    };
    let mut page = NewPage::new(
        super::nav(state, user).await?,
        user,
        "in",
        format!("办理转入：{}", org.full_name),
        format!("/orgs/{}/transfers/in/new", org.id),
        f,
    );
    page.branches = branches;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    page.error = error.map(|e| e.message);
    page.respond(status)
}

pub async fn in_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let org = start::in_target(&state, &user, org_id).await?;
    in_page(&state, &user, org, Fields::default(), None).await
}

pub async fn in_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let org = start::in_target(&state, &user, org_id).await?;
    let f = Fields::from_pairs(&pairs);
    let input = TransferInput {
        reason: &f.reason,
        detail: &f.detail,
        ..TransferInput::default()
    };
    let member = NamedMember {
        name: &f.name,
        id_number: &f.id_number,
    };
    match start::into(&state, &user, org_id, &member, f.branch_id(), &input).await {
        Ok(id) => Ok(started(&[id])),
        Err(e) if on_form(&e) => in_page(&state, &user, org, f, Some(e)).await,
        Err(e) => Err(PageError(e)),
    }
}
