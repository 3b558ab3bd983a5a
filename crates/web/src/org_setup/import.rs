//! Creating children in bulk from Excel: the template for this parent, the upload page, and
//! the import itself. Every row is checked before anything is written; then all rows are
//! created, each with its registration code, in one transaction, or none is.

use std::collections::HashMap;
use std::time::Duration;
use tuanjian_domain::ErrorCode;

use askama::Template as _;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use tuanjian_domain::text::comparison_key;
use tuanjian_sheet::{CellFault, Column, SheetError, Template, read_rows, write_template};
use tuanjian_store::orgs::Org;
use tuanjian_store::reg_codes::CodeRecord;
use tuanjian_store::{StoreError, org_create};
use utoipa::ToSchema;

use crate::auth::csrf::{csrf_fault, same_token};
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiError, ErrorBody, Fault};
use crate::extract::parse_id;
use crate::extract::upload::{UploadRules, read_upload};
use crate::org_setup::create::{
    ChildBody, ChildInput, ChildOptions, CodeBody, CreatedBody, FULL_MAX, SHORT_MAX, ValidChild,
    check_child, creatable_parent,
};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::member_import::jobs;

const SHORT: usize = 0;
const FULL: usize = 1;
const KIND: usize = 2;
const LEVEL: usize = 3;

/// The sheet for creating children under a parent with these options. The 组织层级 column is
/// there only when the parent offers a choice of level.
pub fn children_template(opts: &ChildOptions) -> Template {
    let mut columns = vec![
        Column::new("组织简称")
            .required()
            .max_chars(SHORT_MAX)
            .notes("例如：团一中委"),
        Column::new("组织全称")
            .required()
            .max_chars(FULL_MAX)
            .notes("全系统不能重复，例如：共青团某某县第一中学委员会"),
        Column::new("组织类别")
            .required()
            .choices(opts.kinds.iter().map(|k| k.label()))
            .notes("也可填代码，如 03TW、01TZB"),
    ];
    if opts.level_choice() {
        columns.push(
            Column::new("组织层级")
                .required()
                .choices(opts.levels.iter().map(|l| l.label()))
                .notes("市级、县级团委只能是团委或团工委"),
        );
    }
    Template::new("下级组织", columns)
}

fn column_of(field: &str) -> usize {
    match field {
        "short_name" => SHORT,
        "full_name" => FULL,
        "level" => LEVEL,
        _ => KIND,
    }
}

pub enum Outcome {
    Created(Vec<(Org, CodeRecord)>),
    Invalid(Vec<CellFault>),
}

fn sheet_fault(e: &SheetError) -> Fault {
    let status = match e {
        SheetError::TooLarge { .. }
        | SheetError::UnpacksTooLarge { .. }
        | SheetError::TooMuchText { .. }
        | SheetError::TooManyRows { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Fault::with_status(status.as_u16(), e.code(), e.to_string()).field("file")
}

/// Checks every row, then creates them all in one transaction.
pub async fn import(
    state: &AppState,
    user: &Signed,
    parent: &Org,
    opts: &ChildOptions,
    bytes: &[u8],
    file_name: &str,
) -> Result<Outcome, Fault> {
    let template = children_template(opts);
    // One turn among all imports of this process (memory), read off the async threads.
    let Some(_turn) = jobs::parsing_permit_within(Duration::from_secs(20)).await else {
        return Err(Fault::new(ErrorCode::ImportBusy,
            "系统正在处理其他单位导入的表格，请稍等一两分钟后重新上传（表格没有导入，也没有写入任何数据）",
        )
        .field("file"));
    };
    let rows = {
        let (bytes, name) = (bytes.to_vec(), file_name.to_string());
        tokio::task::spawn_blocking(move || read_rows(&template, &bytes, &name))
            .await
            .map_err(Fault::internal)?
            .map_err(|e| sheet_fault(&e))?
    };
    let template = children_template(opts);
    let mut faults = Vec::new();
    let mut valid: Vec<(u32, ValidChild)> = Vec::new();
    for row in &rows {
        faults.extend(row.faults.iter().cloned());
        let input = ChildInput {
            short_name: row.value(SHORT),
            full_name: row.value(FULL),
            kind: row.value(KIND),
            level: opts.level_choice().then(|| row.value(LEVEL)),
        };
        match check_child(parent, opts, &input) {
            Ok(child) if row.faults.is_empty() => valid.push((row.number, child)),
            Ok(_) => {}
            Err(issues) => faults.extend(
                issues
                    .into_iter()
                    // A column the sheet rules already faulted is reported once.
                    .filter(|i| row.is_clean(&template, column_of(i.field)))
                    .map(|i| {
                        CellFault::at(&template, row.number, column_of(i.field), i.code, i.message)
                    }),
            ),
        }
    }
    // Full names: unique within the file and in the system.
    // Compared on the comparison key (NFKC), as the store does: look-alikes are duplicates.
    let mut first_seen: HashMap<String, (u32, &str)> = HashMap::new();
    for row in &rows {
        let name = row.value(FULL);
        if name.is_empty() || !row.is_clean(&template, FULL) {
            continue;
        }
        let key = comparison_key(name);
        if let Some((first, _)) = first_seen.get(&key) {
            faults.push(CellFault::at(
                &template,
                row.number,
                FULL,
                ErrorCode::DuplicateInFile,
                format!("“{name}”与第{first}行的组织全称重复（或只是全角半角等写法不同），同一全称只能出现一次"),
            ));
        } else {
            first_seen.insert(key, (row.number, name.trim()));
        }
    }
    let mut names: Vec<(u32, String)> = first_seen
        .values()
        .map(|&(row, name)| (row, name.to_string()))
        .collect();
    names.sort();
    let rows_of: HashMap<String, u32> = names.iter().map(|(r, n)| (n.clone(), *r)).collect();
    let names: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
    let taken = org_create::taken_full_names(&state.store, &names).await?;
    for (name, holder) in &taken {
        let row = rows_of[name.as_str()];
        let message = if name == holder {
            format!("组织全称“{name}”已被系统中其他组织使用，请换一个全称")
        } else {
            format!(
                "组织全称“{name}”与系统中已有组织“{holder}”实质相同（只是全角半角等写法不同），请换一个全称"
            )
        };
        faults.push(CellFault::at(
            &template,
            row,
            FULL,
            ErrorCode::OrgNameTaken,
            message,
        ));
    }
    if !faults.is_empty() {
        faults.sort_by_key(|f| (f.row, f.cell.len(), f.cell.clone()));
        return Ok(Outcome::Invalid(faults));
    }

    let mut tx = state.store.begin().await?;
    let new: Vec<_> = valid.iter().map(|(_, c)| c.as_new()).collect();
    match org_create::create_children(&mut tx, &user.actor(), parent, &new).await {
        Ok(created) => {
            tx.commit().await?;
            Ok(Outcome::Created(created))
        }
        // Someone took a name between the check and the write: report it like the others.
        Err((i, StoreError::Conflict { code, message })) => {
            tx.rollback().await?;
            let col = if code == "org_name_taken" { FULL } else { KIND };
            Ok(Outcome::Invalid(vec![CellFault::at(
                &template, valid[i].0, col, code, message,
            )]))
        }
        Err((_, e)) => Err(e.into()),
    }
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
    let upload = read_upload(
        multipart,
        UploadRules {
            max_name_chars: usize::MAX,
            too_large,
        },
    )
    .await;
    // The CSRF check comes first: a forged request learns nothing about the file rules.
    if let Ok(up) = &upload
        && !up
            .csrf
            .as_deref()
            .is_some_and(|c| same_token(c, &user.session.csrf_token))
    {
        return Err(PageError(csrf_fault()));
    }
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
