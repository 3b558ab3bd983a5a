//! Reading an archive upload from a multipart body: the `file` field streamed piece by piece
//! into the use case's temporary file (hashed, counted, refused as soon as it passes 20 MB),
//! the `csrf` field a page sends beside it. Memory holds one piece, whatever the file's size.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use tuanjian_app::archives::upload::{staging, too_large};
use tuanjian_app::files::staged::Received;
use tuanjian_domain::ErrorCode;

use crate::error::Fault;

/// The longest file name kept (characters).
const MAX_NAME_CHARS: usize = 200;

pub struct ArchiveUpload {
    pub csrf: Option<String>,
    pub file: Received,
}

fn unreadable(e: impl std::fmt::Display) -> Fault {
    Fault::new(
        ErrorCode::UploadInvalid,
        format!("上传的内容无法读取，请在页面上重新选择 PDF 文件后上传（{e}）"),
    )
}

fn fault_of(e: axum::extract::multipart::MultipartError) -> Fault {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        unreadable(e)
    }
}

pub async fn receive(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<ArchiveUpload, Fault> {
    let mut mp = multipart.map_err(|e| {
        Fault::new(
            ErrorCode::UnsupportedContentType,
            format!("请以 multipart/form-data 上传文件，字段名为 file（{e}）"),
        )
    })?;
    let mut csrf = None;
    let mut file = None;
    while let Some(mut field) = mp.next_field().await.map_err(fault_of)? {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(fault_of)?),
            Some("file") if file.is_none() => {
                let name: String = field
                    .file_name()
                    .unwrap_or("")
                    .chars()
                    .take(MAX_NAME_CHARS)
                    .collect();
                crate::extract::check_text("文件名", &name)?;
                let mut staged = staging().await?;
                while let Some(piece) = field.chunk().await.map_err(fault_of)? {
                    staged.write(&piece).await?;
                }
                file = Some(staged.finish(name).await?);
            }
            _ => {}
        }
    }
    let file = file.ok_or_else(|| {
        Fault::new(
            ErrorCode::FileMissing,
            "请选择要上传的《入团志愿书》PDF 文件",
        )
        .field("file")
    })?;
    Ok(ArchiveUpload { csrf, file })
}
