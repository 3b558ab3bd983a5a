//! Creating children in bulk from Excel: the template download, the upload page and the API
//! over `tuanjian_app::org_setup::import` (which checks every row before anything is written).

use tuanjian_domain::ErrorCode;

use askama::Template as _;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use tuanjian_app::org_setup::child_rules::ChildOptions;
use tuanjian_app::org_setup::create::creatable_parent;
// Re-exported: the tests build the template by its web path.
pub use tuanjian_app::org_setup::import::children_template;
use tuanjian_app::org_setup::import::{Outcome, import_children};
use tuanjian_sheet::{CellFault, write_template};
use tuanjian_store::orgs::Org;
use tuanjian_store::reg_codes::CodeRecord;
use utoipa::ToSchema;

use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiError, ErrorBody, Fault};
use crate::extract::parse_id;
use crate::extract::upload::{UploadRules, read_page_upload, read_upload};
use crate::org_setup::create::{ChildBody, CodeBody, CreatedBody};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::member_import::jobs;

/// Takes this process's turn to read a file (memory), then runs the import. The turn is
/// shared with the member imports, so it is taken here, where `jobs` lives.
pub async fn import(
    state: &AppState,
    user: &Signed,
    parent: &Org,
    opts: &ChildOptions,
    bytes: &[u8],
    file_name: &str,
) -> Result<Outcome, Fault> {
    let Some(_turn) = jobs::parsing_permit_within(state.config.import_turn_wait).await else {
        return Err(Fault::new(ErrorCode::ImportBusy,
            "系统正在处理其他单位导入的表格，请稍等一两分钟后重新上传（表格没有导入，也没有写入任何数据）",
        )
        .field("file"));
    };
    import_children(state, user, parent, opts, bytes, file_name).await
}

fn too_large() -> Fault {
    Fault::new(
        ErrorCode::TooLarge,
        "文件太大，一次最多上传 2 MB（约 2000 行）；请删除多余内容或分成几个文件上传",
    )
    .field("file")
}

pub async fn template(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let (parent, opts) = creatable_parent(&state, &user, parse_id(&raw)?).await?;
    let bytes = write_template(&children_template(&opts)).map_err(Fault::internal)?;
    let name = format!("下级组织导入模板-{}.xlsx", parent.short_name);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"children-template.xlsx\"; filename*=UTF-8''{}",
                    percent_encode(&name)
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// RFC 5987 encoding for a file name in Content-Disposition.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

struct CreatedView {
    id: i64,
    short_name: String,
    full_name: String,
    kind_label: String,
    code: String,
    expires_at: String,
}

#[derive(askama::Template)]
#[template(path = "setup_import.html")]
struct ImportPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    parent: Org,
    level_choice: bool,
    kinds: String,
    error: Option<String>,
    faults: Vec<CellFault>,
    created: Vec<CreatedView>,
}

/// What the import page shows besides the form.
#[derive(Default)]
struct Shown {
    error: Option<String>,
    faults: Vec<CellFault>,
    created: Vec<(Org, CodeRecord)>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    parent: Org,
    opts: &ChildOptions,
    status: StatusCode,
    shown: Shown,
) -> PageResult {
    let Shown {
        error,
        faults,
        created,
    } = shown;
    let authority = role::required(state, user).await?;
    let page = ImportPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, parent.id, "批量导入下级组织").await?,
        csrf: user.session.csrf_token.clone(),
        level_choice: opts.level_choice(),
        kinds: opts
            .kinds
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("、"),
        parent,
        error,
        faults,
        created: created
            .iter()
            .map(|(o, c)| CreatedView {
                id: o.id,
                short_name: o.short_name.clone(),
                full_name: o.full_name.clone(),
                kind_label: o.kind_label(),
                code: c.display(),
                expires_at: crate::org_setup::beijing(c.expires_at),
            })
            .collect(),
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let (parent, opts) = creatable_parent(&state, &user, parse_id(&raw)?).await?;
    render(
        &state,
        &user,
        parent,
        &opts,
        StatusCode::OK,
        Shown::default(),
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let (parent, opts) = creatable_parent(&state, &user, parse_id(&raw)?).await?;
    let upload = read_page_upload(
        multipart,
        UploadRules {
            max_name_chars: usize::MAX,
            too_large,
        },
        &user.session.csrf_token,
    )
    .await
    .map_err(PageError)?;
    let outcome = match upload {
        Ok(up) => import(&state, &user, &parent, &opts, &up.bytes, &up.file_name).await,
        Err(f) => Err(f),
    };
    match outcome {
        Ok(Outcome::Created(created)) => {
            let shown = Shown {
                created,
                ..Shown::default()
            };
            render(&state, &user, parent, &opts, StatusCode::OK, shown).await
        }
        Ok(Outcome::Invalid(faults)) => {
            let msg = format!(
                "表格中有 {} 处错误，没有导入任何组织。请按下表逐一修改后重新上传整个表格。",
                faults.len()
            );
            render(
                &state,
                &user,
                parent,
                &opts,
                StatusCode::UNPROCESSABLE_ENTITY,
                Shown {
                    error: Some(msg),
                    faults,
                    ..Shown::default()
                },
            )
            .await
        }
        Err(f) if f.status().is_client_error() => {
            let status = f.status();
            let shown = Shown {
                error: Some(f.message),
                ..Shown::default()
            };
            render(&state, &user, parent, &opts, status, shown).await
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ImportedBody {
    pub created: Vec<CreatedBody>,
}

/// 422 answer of an import with faults: the usual error object, and every fault beside it.
#[derive(Serialize, ToSchema)]
pub struct SheetInvalidBody {
    #[schema(value_type = crate::error::FaultSchema)]
    pub error: Fault,
    pub rows: Vec<RowFaultBody>,
}

#[derive(Serialize, ToSchema)]
pub struct RowFaultBody {
    /// Row number as Excel shows it.
    pub row: u32,
    /// Column title.
    pub column: String,
    /// Cell reference such as B5.
    pub cell: String,
    #[schema(value_type = String)]
    pub code: ErrorCode,
    pub message: String,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/children/import",
    params(("id" = i64, Path, description = "parent organisation id")),
    request_body(content_type = "multipart/form-data", description = "field `file`: the filled-in template (.xlsx or .xls)"),
    responses((status = 200, body = ImportedBody), (status = 413, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "org_kind_not_allowed: no children may be created under this organisation"),
        (status = 422, body = SheetInvalidBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let (parent, opts) = creatable_parent(&state, &user, parse_id(&raw)?).await?;
    let up = read_upload(
        multipart,
        UploadRules {
            max_name_chars: usize::MAX,
            too_large,
        },
    )
    .await?;
    match import(&state, &user, &parent, &opts, &up.bytes, &up.file_name).await? {
        Outcome::Created(created) => Ok(Json(ImportedBody {
            created: created
                .iter()
                .map(|(o, c)| CreatedBody {
                    org: ChildBody::from(o),
                    code: CodeBody::from(c),
                })
                .collect(),
        })
        .into_response()),
        Outcome::Invalid(faults) => {
            let error = Fault::new(ErrorCode::SheetInvalid,
                format!(
                    "表格中有 {} 处错误，没有导入任何组织；请按 rows 中的行号和列逐一修改后重新上传",
                    faults.len()
                ),
            )
            .field("file");
            let body = SheetInvalidBody {
                error,
                rows: faults
                    .into_iter()
                    .map(|f| RowFaultBody {
                        row: f.row,
                        column: f.column,
                        cell: f.cell,
                        code: f.code,
                        message: f.message,
                    })
                    .collect(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}
