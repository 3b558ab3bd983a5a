//! The import pages: instructions and template, upload, the job's progress (the page reloads
//! itself while the job runs; closing it does not stop the job), the preview with every fault,
//! the error report, and the commit.

use askama::Template as _;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::ErrorCode;
use tuanjian_store::import_jobs::{self, Job, JobState};
use tuanjian_store::orgs::Org;

use super::view::{FaultBody, JobBody, faults_of, kind_of, upload_rules, xlsx_response};
use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::upload::read_page_upload;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::member_import::access::import_target;
use tuanjian_app::member_import::columns::Kind;
use tuanjian_app::member_import::files::{report_bytes, template_bytes};
use tuanjian_app::member_import::jobs;
use tuanjian_app::member_import::start::{start_check, start_commit};

/// Faults shown per page of the preview (all are in the error report).
const FAULTS_PER_PAGE: usize = 200;

#[derive(askama::Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org: Org,
    kind: &'static str,
    title: &'static str,
    other_title: &'static str,
    members: bool,
    max_rows: usize,
    max_mb: usize,
    error: Option<String>,
    job: Option<JobBody>,
    running: bool,
    can_commit_all: bool,
    can_commit_valid: bool,
    faults: Vec<FaultBody>,
    page: usize,
    pages: usize,
}

struct Shown {
    status: StatusCode,
    error: Option<String>,
    job: Option<Job>,
    page: usize,
}

async fn render(state: &AppState, user: &Signed, org: Org, kind: Kind, shown: Shown) -> PageResult {
    let authority = role::required(state, user).await?;
    let base = format!("/orgs/{}/import/{}", org.id, kind.code());
    let (job, faults, pages, page) = match &shown.job {
        Some(j) => {
            let all = faults_of(j);
            let pages = all.len().div_ceil(FAULTS_PER_PAGE).max(1);
            let page = shown.page.clamp(1, pages);
            let body = JobBody::new(j, all.len(), &base);
            let shown_faults = all
                .into_iter()
                .skip((page - 1) * FAULTS_PER_PAGE)
                .take(FAULTS_PER_PAGE)
                .collect();
            (Some(body), shown_faults, pages, page)
        }
        None => (None, Vec::new(), 1, 1),
    };
    let job_state = shown.job.as_ref().map(|j| j.state);
    let validated = job_state == Some(JobState::Validated);
    let page_data = ImportPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, org.id, kind.title()).await?,
        csrf: user.session.csrf_token.clone(),
        kind: kind.code(),
        title: kind.title(),
        other_title: kind.other().title(),
        members: kind == Kind::Members,
        max_rows: kind.max_rows(),
        max_mb: kind.max_bytes() / 1024 / 1024,
        error: shown.error,
        running: job_state == Some(JobState::Running),
        can_commit_all: validated
            && job
                .as_ref()
                .is_some_and(|j| j.faulty_rows == 0 && j.valid_rows > 0),
        can_commit_valid: validated
            && job
                .as_ref()
                .is_some_and(|j| j.faulty_rows > 0 && j.valid_rows > 0),
        job,
        faults,
        page,
        pages,
        org,
    };
    let mut res = Html(page_data.render()?).into_response();
    *res.status_mut() = shown.status;
    Ok(res)
}

#[derive(Deserialize)]
pub struct PageParams {
    page: Option<usize>,
}

/// The import page: instructions and the latest import of this template for the organisation.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, kind)): Path<(String, String)>,
    PageQuery(q): PageQuery<PageParams>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    let (_, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let mut job = import_jobs::latest(&state.store, org.id, kind.code()).await?;
    if let Some(j) = &job {
        job = Some(jobs::load(&state.store, org.id, j.id).await?);
    }
    let shown = Shown {
        status: StatusCode::OK,
        error: None,
        job,
        page: q.page.unwrap_or(1),
    };
    render(&state, &user, org, kind, shown).await
}

async fn job_of(state: &AppState, org: &Org, kind: Kind, raw: &str) -> Result<Job, Fault> {
    let job = jobs::load(&state.store, org.id, parse_id(raw)?).await?;
    if job.template != kind.code() {
        return Err(Fault::not_found());
    }
    Ok(job)
}

/// One import job's page (the page an upload leads to; bookmarkable, reloads while running).
pub async fn job_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, kind, job)): Path<(String, String, String)>,
    PageQuery(q): PageQuery<PageParams>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    let (_, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let job = job_of(&state, &org, kind, &job).await?;
    let shown = Shown {
        status: StatusCode::OK,
        error: None,
        job: Some(job),
        page: q.page.unwrap_or(1),
    };
    render(&state, &user, org, kind, shown).await
}

pub async fn template(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, kind)): Path<(String, String)>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    let (scope, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let name = format!("{}模板-{}.xlsx", kind.title(), org.short_name);
    let bytes = template_bytes(&state, scope, org, kind).await?;
    Ok(xlsx_response(
        &format!("{}-template.xlsx", kind.code()),
        &name,
        bytes,
    ))
}

/// Upload: starts the check and goes to the job's page; problems found before any row is read
/// (empty, too large, not Excel, an import already running) are shown at once.
pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, kind)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    let (_, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let upload = read_page_upload(multipart, upload_rules(kind), &user.session.csrf_token)
        .await
        .map_err(PageError)?;
    let started = match upload {
        Ok(up) => start_check(&state, &user, &org, kind, &up.file_name, &up.bytes).await,
        Err(f) => Err(f),
    };
    match started {
        Ok(id) => Ok(Redirect::to(&format!(
            "/orgs/{}/import/{}/jobs/{id}",
            org.id,
            kind.code()
        ))
        .into_response()),
        Err(f) if f.status().is_client_error() => {
            let job = import_jobs::latest(&state.store, org.id, kind.code()).await?;
            let shown = Shown {
                status: f.status(),
                error: Some(f.message),
                job,
                page: 1,
            };
            render(&state, &user, org, kind, shown).await
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Deserialize)]
pub struct CommitForm {
    /// "1" to write only the valid rows; must come with `confirm`.
    #[serde(default)]
    valid_only: Option<String>,
    #[serde(default)]
    confirm: Option<String>,
}

pub async fn commit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, kind, job)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<CommitForm>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    let (_, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let job = job_of(&state, &org, kind, &job).await?;
    let valid_only = form.valid_only.as_deref() == Some("1");
    let result = if valid_only && form.confirm.as_deref() != Some("1") {
        Err(Fault::new(
            ErrorCode::ConfirmRequired,
            "只导入无误的行需要明确确认：请勾选“我确认只导入无误的行，有错误的行不导入”后再提交",
        ))
    } else {
        start_commit(&state, &org, &job, valid_only).await
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/orgs/{}/import/{}/jobs/{}",
            org.id,
            kind.code(),
            job.id
        ))
        .into_response()),
        Err(f) if f.status().is_client_error() => {
            let job = jobs::load(&state.store, org.id, job.id).await?;
            let shown = Shown {
                status: f.status(),
                error: Some(f.message),
                job: Some(job),
                page: 1,
            };
            render(&state, &user, org, kind, shown).await
        }
        Err(f) => Err(PageError(f)),
    }
}

pub async fn report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, kind, job)): Path<(String, String, String)>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    let (scope, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let job = job_of(&state, &org, kind, &job).await?;
    let bytes = report_bytes(&state, scope, org, &job).await?;
    Ok(xlsx_response(
        &format!("import-{}-errors.xlsx", job.id),
        &format!(
            "错误报告-{}.xlsx",
            job.file_name
                .rsplit_once('.')
                .map_or(job.file_name.as_str(), |(stem, _)| stem)
        ),
        bytes,
    ))
}
