//! The import as JSON: template, upload (answers 202 with the job), the job with every fault,
//! commit, error report. The same service functions as the pages.

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tuanjian_store::import_jobs::Job;
use tuanjian_store::orgs::Org;
use utoipa::ToSchema;

use super::view::{FaultBody, JobBody, faults_of, kind_of, upload_rules, xlsx_response};
use crate::auth::user::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::upload::read_upload;
use crate::extract::{ApiJson, parse_id};
use crate::state::AppState;
use tuanjian_app::member_import::access::import_target;
use tuanjian_app::member_import::files::{report_bytes, template_bytes};
use tuanjian_app::member_import::jobs;
use tuanjian_app::member_import::start::{start_check, start_commit};

/// A job and every fault found so far.
#[derive(Serialize, ToSchema)]
pub struct JobDetail {
    pub job: JobBody,
    pub faults: Vec<FaultBody>,
}

fn base(org: &Org, job: &Job) -> String {
    format!("/api/v1/orgs/{}/import/{}", org.id, job.template)
}

fn detail(org: &Org, job: &Job) -> JobDetail {
    let faults = faults_of(job);
    let mut body = JobBody::new(job, faults.len(), &base(org, job));
    // The API's report lives beside the job.
    body.report_url = body
        .report_url
        .map(|_| format!("/api/v1/orgs/{}/import/jobs/{}/report", org.id, job.id));
    JobDetail { job: body, faults }
}

fn accepted(org: &Org, job: &Job) -> Response {
    (
        StatusCode::ACCEPTED,
        [(
            header::LOCATION,
            format!("/api/v1/orgs/{}/import/jobs/{}", org.id, job.id),
        )],
        Json(detail(org, job)),
    )
        .into_response()
}

/// The template of 「导入本级团干部」 (`cadres`) or 「导入下级团支部团员团干部」 (`members`) for this
/// organisation (.xlsx).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/import/{kind}/template",
    params(("id" = i64, Path, description = "organisation id"), ("kind" = String, Path, description = "cadres or members")),
    responses((status = 200, description = "the .xlsx template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn template(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, kind)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let (scope, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let bytes = template_bytes(&state, scope, org, kind).await?;
    Ok(xlsx_response(
        &format!("{}-template.xlsx", kind.code()),
        kind.title(),
        bytes,
    ))
}

/// Uploads a filled template and starts checking it in the background (nothing is written).
/// Poll the job until its state is no longer `running`.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/import/{kind}",
    params(("id" = i64, Path, description = "organisation id"), ("kind" = String, Path, description = "cadres or members")),
    request_body(content_type = "multipart/form-data", description = "field `file`: the filled-in template (.xlsx or .xls)"),
    responses((status = 202, body = JobDetail), (status = 409, body = ErrorBody, description = "an import of this organisation is running"),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, kind)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let (_, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let up = read_upload(multipart, upload_rules(kind)).await?;
    let id = start_check(&state, &user, &org, kind, &up.file_name, &up.bytes).await?;
    let job = jobs::load(&state.store, org.id, id).await?;
    Ok(accepted(&org, &job))
}

/// An import job: state, progress, counts, every fault, what a commit wrote.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/import/jobs/{job}",
    params(("id" = i64, Path, description = "organisation id"), ("job" = i64, Path, description = "job id")),
    responses((status = 200, body = JobDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn job(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, job)): Path<(String, String)>,
) -> Result<Json<JobDetail>, ApiError> {
    let (_, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let job = jobs::load(&state.store, org.id, parse_id(&job)?).await?;
    Ok(Json(detail(&org, &job)))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct CommitBody {
    /// Write only the rows without faults (the faulty ones are left out). Without it a file with
    /// any fault is not written at all.
    #[serde(default)]
    pub valid_only: bool,
}

/// Writes a checked job in the background: every row in one transaction, or with
/// `valid_only` the rows without faults. The database is checked again inside that transaction.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/import/jobs/{job}/commit",
    params(("id" = i64, Path, description = "organisation id"), ("job" = i64, Path, description = "job id")),
    request_body = CommitBody,
    responses((status = 202, body = JobDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn commit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, job)): Path<(String, String)>,
    ApiJson(body): ApiJson<CommitBody>,
) -> Result<Response, ApiError> {
    let (_, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let job = jobs::load(&state.store, org.id, parse_id(&job)?).await?;
    start_commit(&state, &org, &job, body.valid_only).await?;
    let job = jobs::load(&state.store, org.id, job.id).await?;
    Ok(accepted(&org, &job))
}

/// The error report: the uploaded rows, faulty cells red, a last column saying what is wrong.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/import/jobs/{job}/report",
    params(("id" = i64, Path, description = "organisation id"), ("job" = i64, Path, description = "job id")),
    responses((status = 200, description = "the .xlsx report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, job)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (scope, org) = import_target(&state, &user, parse_id(&raw)?).await?;
    let job = jobs::load(&state.store, org.id, parse_id(&job)?).await?;
    let bytes = report_bytes(&state, scope, org, &job).await?;
    Ok(xlsx_response(
        &format!("import-{}-errors.xlsx", job.id),
        "错误报告.xlsx",
        bytes,
    ))
}
