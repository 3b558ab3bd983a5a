//! The 毕业 page of an organisation: above branch level, its branches with their marks and
//! the form to mark the chosen ones; on a branch, its members sorted out for transfer.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::graduation::MARK_KINDS;
use tuanjian_domain::{ErrorCode, OrgKind};
use tuanjian_store::graduation::Graduate;
use tuanjian_store::orgs::Org;

use crate::api::query::optional_int;
use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::org_setup::beijing;
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::graduation::{graduates, marks, this_month};

pub struct BranchRow {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
    pub graduating: bool,
    pub mark: String,
    pub converted_at: String,
    pub members: i64,
}

pub struct MemberRow {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub note: String,
}

fn member_row(g: &Graduate) -> MemberRow {
    let note = match (g.open_transfer, g.late) {
        (Some(t), _) => format!("组织关系转接办理中（编号 {t}）"),
        (None, Some(l)) => l.label(),
        (None, None) => String::new(),
    };
    MemberRow {
        person_id: g.person_id,
        name: g.name.clone(),
        id_number: g.id_number.masked(),
        note,
    }
}

/// The form as typed, kept to show again with its fault.
#[derive(Default, Clone)]
pub struct MarkFormView {
    kind: String,
    month: String,
    chosen: Vec<i64>,
}

#[derive(Template)]
#[template(path = "graduation.html")]
struct GraduationPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org: Org,
    this_month: String,
    kinds: Vec<(&'static str, &'static str)>,
    /// Above branch level: the branches.
    branches: Vec<BranchRow>,
    may_mark: bool,
    page: i64,
    pages: i64,
    total: i64,
    /// On a branch: its mark, and its members sorted out.
    is_branch: bool,
    graduating: bool,
    mark: Option<String>,
    ready: Vec<MemberRow>,
    late: Vec<MemberRow>,
    in_transfer: Vec<MemberRow>,
    transfer_url: String,
    form: MarkFormView,
    notice: Option<String>,
    error: Option<String>,
}

struct Shown {
    page: Option<i64>,
    form: MarkFormView,
    notice: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    shown: Shown,
    error: Option<&Fault>,
) -> PageResult {
    let authority = role::required(state, user).await?;
    let o = marks::overview(state, user, org_id, shown.page).await?;
    let mut view = GraduationPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, org_id, "毕业班管理").await?,
        csrf: user.session.csrf_token.clone(),
        this_month: this_month().label(),
        kinds: MARK_KINDS.to_vec(),
        branches: vec![],
        may_mark: o.may_mark,
        page: o.page,
        pages: o.pages(),
        total: o.branches.total,
        is_branch: o.org.kind.is_branch(),
        graduating: o.org.kind == OrgKind::GraduatingBranch,
        mark: None,
        ready: vec![],
        late: vec![],
        in_transfer: vec![],
        transfer_url: String::new(),
        form: shown.form,
        notice: shown.notice,
        error: error.map(|f| f.message.clone()),
        org: o.org.clone(),
    };
    if view.is_branch {
        let b = graduates::list(state, user, org_id).await?;
        view.mark = b.mark.map(|(m, _)| m.label());
        view.transfer_url = b.transfer_url();
        view.ready = b.graduates.ready.iter().map(member_row).collect();
        view.late = b.graduates.late.iter().map(member_row).collect();
        view.in_transfer = b.graduates.in_transfer.iter().map(member_row).collect();
    } else {
        view.branches = o
            .branches
            .items
            .iter()
            .map(|b| BranchRow {
                id: b.org.id,
                short_name: b.org.short_name.clone(),
                full_name: b.org.full_name.clone(),
                graduating: b.org.kind == OrgKind::GraduatingBranch,
                mark: b.mark.map_or_else(|| "未标注".into(), |m| m.label()),
                converted_at: b.converted_at.map(beijing).unwrap_or_default(),
                members: b.members,
            })
            .collect();
    }
    let mut res = Html(view.render()?).into_response();
    if let Some(f) = error {
        *res.status_mut() = f.status();
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    #[serde(deserialize_with = "optional_int")]
    page: Option<i64>,
    marked: Option<u32>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let notice = q.marked.map(|n| format!("已为 {n} 个团支部保存毕业标注。"));
    let shown = Shown {
        page: q.page,
        form: MarkFormView::default(),
        notice,
    };
    render(&state, &user, id, shown, None).await
}

/// The form's fields: `branch` once per chosen branch, `kind`, `month`, `page`.
fn read_form(pairs: &[(String, String)]) -> Result<(MarkFormView, Option<i64>), Fault> {
    let mut form = MarkFormView::default();
    let mut page = None;
    for (k, v) in pairs {
        match k.as_str() {
            "branch" => form.chosen.push(v.trim().parse().map_err(|_| {
                Fault::new(
                    ErrorCode::FormInvalid,
                    "所选团支部不正确，请刷新页面后重新勾选",
                )
            })?),
            "kind" => form.kind = v.clone(),
            "month" => form.month = v.chars().take(40).collect(),
            "page" => page = v.trim().parse().ok(),
            _ => {}
        }
    }
    Ok((form, page))
}

pub async fn mark(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (form, page) = read_form(&pairs)?;
    let result = async {
        let choice = marks::parse_choice(&form.kind, &form.month)?;
        marks::mark(&state, &user, id, &form.chosen, choice).await
    }
    .await;
    match result {
        Ok(n) => {
            let page = page.unwrap_or(1);
            Ok(
                Redirect::to(&format!("/orgs/{id}/graduation?page={page}&marked={n}"))
                    .into_response(),
            )
        }
        Err(f) if f.status().is_client_error() && f.status().as_u16() != 404 => {
            let shown = Shown {
                page,
                form,
                notice: None,
            };
            render(&state, &user, id, shown, Some(&f)).await
        }
        Err(f) => Err(PageError(f)),
    }
}
