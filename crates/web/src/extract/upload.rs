//! An uploaded file from a multipart body (the import pages and their API), with the CSRF field
//! a page sends beside it.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use tuanjian_domain::ErrorCode;

use crate::auth::csrf::{csrf_fault, same_token};
use crate::error::Fault;

pub struct Upload {
    pub csrf: Option<String>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// How an upload is read: the file name's length kept, and the fault of a body over the route's
/// limit (each import states its own limits).
pub struct UploadRules<F: Fn() -> Fault> {
    pub max_name_chars: usize,
    pub too_large: F,
}

fn multipart_fault(e: impl std::fmt::Display) -> Fault {
    Fault::new(
        ErrorCode::UploadInvalid,
        format!("上传的内容无法读取，请在页面上选择文件后重新上传（{e}）"),
    )
}

/// Reads the `file` field (required) and the `csrf` field of a multipart body.
pub async fn read_upload<F: Fn() -> Fault>(
    multipart: Result<Multipart, MultipartRejection>,
    rules: UploadRules<F>,
) -> Result<Upload, Fault> {
    let mut mp = multipart.map_err(|e| {
        Fault::new(
            ErrorCode::UnsupportedContentType,
            format!("请以 multipart/form-data 上传文件，字段名为 file（{e}）"),
        )
    })?;
    let mut up = Upload {
        csrf: None,
        file_name: String::new(),
        bytes: Vec::new(),
    };
    let mut found = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err((rules.too_large)());
            }
            Err(e) => return Err(multipart_fault(e)),
        };
        match field.name() {
            Some("csrf") => up.csrf = Some(field.text().await.map_err(multipart_fault)?),
            Some("file") => {
                up.file_name = field
                    .file_name()
                    .unwrap_or("")
                    .chars()
                    .take(rules.max_name_chars)
                    .collect();
                super::check_text("文件名", &up.file_name)?;
                up.bytes = match field.bytes().await {
                    Ok(b) => b.to_vec(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err((rules.too_large)());
                    }
                    Err(e) => return Err(multipart_fault(e)),
                };
                found = true;
            }
            _ => {}
        }
    }
    if !found {
        return Err(Fault::new(ErrorCode::FileMissing, "请选择要上传的 Excel 文件").field("file"));
    }
    Ok(up)
}

/// A page's upload: read as `read_upload` does, then the form's CSRF token checked before the
/// handler tells anything about the file (a forged request learns nothing about the file
/// rules). The outer error is the CSRF refusal; the inner result the file's own fault.
pub async fn read_page_upload<F: Fn() -> Fault>(
    multipart: Result<Multipart, MultipartRejection>,
    rules: UploadRules<F>,
    session_csrf: &str,
) -> Result<Result<Upload, Fault>, Fault> {
    let upload = read_upload(multipart, rules).await;
    if let Ok(up) = &upload
        && !up
            .csrf
            .as_deref()
            .is_some_and(|c| same_token(c, session_csrf))
    {
        return Err(csrf_fault());
    }
    Ok(upload)
}
