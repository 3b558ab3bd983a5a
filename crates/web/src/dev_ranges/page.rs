//! The 号段 page: the organisation's own ranges by year, what it handed to each child with
//! how many numbers members use, a form to allocate and a button to take a range back.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::ErrorCode;
use tuanjian_store::dev_ranges::Allocation;
use tuanjian_store::entry_faults::RecheckStats;
use tuanjian_store::orgs::Org;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::org_setup::beijing;
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::dev_ranges::{self, may_allocate, parse_range, parse_year};

pub struct RangeRow {
    pub id: i64,
    pub org_id: i64,
    pub org_short_name: String,
    pub year: i32,
    pub range: String,
    pub count: u64,
    pub used: i64,
    pub created_at: String,
}

impl From<&Allocation> for RangeRow {
    fn from(a: &Allocation) -> Self {
        Self {
            id: a.id,
            org_id: a.org_id,
            org_short_name: a.org_short_name.clone(),
            year: a.year,
            range: format!("{}-{}", a.start, a.end),
            count: a.count,
            used: a.used,
            created_at: beijing(a.created_at),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct AllocateForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    range: String,
}

#[derive(Template)]
#[template(path = "dev_ranges.html")]
struct RangesPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org: Org,
    is_province: bool,
    may_allocate: bool,
    own: Vec<RangeRow>,
    handed: Vec<RangeRow>,
    children: Vec<(i64, String, String)>,
    form: AllocateForm,
    notice: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    form: AllocateForm,
    notice: Option<String>,
    error: Option<&Fault>,
) -> PageResult {
    let authority = role::required(state, user).await?;
    let (scope, org) = dev_ranges::target(state, user, org_id).await?;
    let o = dev_ranges::overview(state, &org).await?;
    let page = RangesPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, org_id, "发展团员编号号段").await?,
        csrf: user.session.csrf_token.clone(),
        is_province: org.province_id == Some(org.id),
        may_allocate: may_allocate(&scope, &org),
        own: o.own.iter().map(RangeRow::from).collect(),
        handed: o.handed.iter().map(RangeRow::from).collect(),
        children: o.children,
        org,
        form,
        notice,
        error: error.map(|f| f.message.clone()),
    };
    let mut res = Html(page.render()?).into_response();
    if let Some(f) = error {
        *res.status_mut() = f.status();
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct RangesQuery {
    done: Option<String>,
    range: Option<String>,
    checked: Option<u64>,
    faulty: Option<u64>,
}

fn recheck_note(checked: u64, faulty: u64) -> String {
    if checked == 0 {
        "没有团员的入团信息受此影响。".into()
    } else if faulty == 0 {
        format!("已重新核查受影响的 {checked} 名团员的发展团员编号，均符合规定。")
    } else {
        format!(
            "已重新核查受影响的 {checked} 名团员的发展团员编号，其中 {faulty} 名不符合规定，请在团员列表中核对修正。"
        )
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<RangesQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let range = q.range.unwrap_or_default();
    let range: String = range.chars().take(40).collect();
    let (checked, faulty) = (q.checked.unwrap_or(0), q.faulty.unwrap_or(0));
    let notice = match q.done.as_deref() {
        Some("allocated") => Some(format!(
            "已分配号段 {range}。{}",
            recheck_note(checked, faulty)
        )),
        Some("deleted") => Some(format!(
            "已收回号段 {range}。{}",
            recheck_note(checked, faulty)
        )),
        _ => None,
    };
    render(&state, &user, id, AllocateForm::default(), notice, None).await
}

fn done_url(org_id: i64, done: &str, range: &str, s: &RecheckStats) -> String {
    format!(
        "/orgs/{org_id}/dev-ranges?done={done}&range={range}&checked={}&faulty={}",
        s.checked, s.faulty
    )
}

async fn try_allocate(
    state: &AppState,
    user: &Signed,
    id: i64,
    form: &AllocateForm,
) -> Result<String, Fault> {
    let year = parse_year(&form.year)?;
    let range = parse_range(year, &form.start, &form.end, &form.range)?;
    let child = match form.org_id.trim() {
        "" => None,
        t => Some(t.parse::<i64>().map_err(|_| {
            Fault::new(ErrorCode::NotAChild, "请从列表中选择接收号段的下级组织").field("org_id")
        })?),
    };
    let (_, stats) = dev_ranges::allocate(state, user, id, child, &range).await?;
    Ok(done_url(id, "allocated", &range.to_string(), &stats))
}

pub async fn allocate(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<AllocateForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    match try_allocate(&state, &user, id, &form).await {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(f) if f.status().is_client_error() && f.status().as_u16() != 404 => {
            render(&state, &user, id, form, None, Some(&f)).await
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn remove(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, raw_range)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let range_id = parse_id(&raw_range)?;
    match dev_ranges::remove(&state, &user, id, range_id).await {
        Ok((range, stats)) => {
            Ok(Redirect::to(&done_url(id, "deleted", &range.to_string(), &stats)).into_response())
        }
        Err(f) if f.status().is_client_error() && f.status().as_u16() != 404 => {
            render(&state, &user, id, AllocateForm::default(), None, Some(&f)).await
        }
        Err(f) => Err(PageError(f)),
    }
}
