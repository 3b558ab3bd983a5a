//! Reading a 推优入党 step from a multipart body: its text fields (the date, the 入党申请
//! month, the CSRF token a page sends) and the `file` field streamed piece by piece into the use
//! case's temporary file (hashed, counted, refused as soon as it passes 20 MB).

use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::http::StatusCode;
use tuanjian_app::files::staged::Received;
use tuanjian_app::recommendations::steps::{staging, too_large};
use tuanjian_domain::ErrorCode;

use crate::error::Fault;

/// The longest file name kept (characters).
const MAX_NAME_CHARS: usize = 200;
/// The longest text field read (characters).
const MAX_FIELD_CHARS: usize = 100;

#[derive(Default)]
pub struct StepUpload {
    pub csrf: Option<String>,
    pub date: String,
    pub applied_month: String,
    pub file: Option<Received>,
}

fn fault_of(e: MultipartError) -> Fault {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        Fault::new(
            ErrorCode::UploadInvalid,
            format!("上传的内容无法读取，请在页面上重新选择 PDF 文件后提交（{e}）"),
        )
    }
}

pub async fn receive(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<StepUpload, Fault> {
    let mut mp = multipart.map_err(|e| {
        Fault::new(
            ErrorCode::UnsupportedContentType,
            format!("请以 multipart/form-data 提交，表格文件的字段名为 file（{e}）"),
        )
    })?;
    let mut up = StepUpload::default();
    while let Some(mut field) = mp.next_field().await.map_err(fault_of)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" if up.file.is_none() => {
                let file_name: String = field
                    .file_name()
                    .unwrap_or("")
                    .chars()
                    .take(MAX_NAME_CHARS)
                    .collect();
                crate::extract::check_text("文件名", &file_name)?;
                let mut staged = staging().await?;
                while let Some(piece) = field.chunk().await.map_err(fault_of)? {
                    staged.write(&piece).await?;
                }
                up.file = Some(staged.finish(file_name).await?);
            }
            "csrf" | "date" | "applied_month" => {
                let v: String = field
                    .text()
                    .await
                    .map_err(fault_of)?
                    .chars()
                    .take(MAX_FIELD_CHARS)
                    .collect();
                crate::extract::check_text("表单内容", &v)?;
                match name.as_str() {
                    "csrf" => up.csrf = Some(v),
                    "date" => up.date = v,
                    _ => up.applied_month = v,
                }
            }
            _ => {}
        }
    }
    Ok(up)
}

/// The file of an upload, or the fault saying it is missing.
pub fn file_of(up: &StepUpload) -> Result<&Received, Fault> {
    up.file.as_ref().ok_or_else(|| {
        Fault::new(
            ErrorCode::FileMissing,
            "请选择扫描好的推优入党表（PDF 文件）",
        )
        .field("file")
    })
}
