//! Upload a member's archive, or replace a rejected one: a PDF of at most 20 MB, for a member
//! who joined from 2020, kept in the database with its audit record in one transaction.

use tuanjian_domain::archive::{ARCHIVE_FROM_MONTH, ARCHIVE_MAX_BYTES, archive_required};
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::archives::{Put, put_archive_tx, replacement_refused};
use tuanjian_store::files::NewFile;

use super::still_member;
use crate::context::App;
use crate::fault::Fault;
use crate::files::pdf::{Document, pages_of};
use crate::files::staged::{Received, Staged};
use crate::files::store_tx;
use crate::leaving::member_for;
use crate::signed::Signed;

/// What an archive must be: a PDF of the 《入团志愿书》.
const ARCHIVE: Document = Document {
    code: ErrorCode::ArchiveNotPdf,
    name: "《入团志愿书》",
};

/// What an archive over the limit is answered with, as soon as the limit is passed.
pub fn too_large() -> Fault {
    Fault::new(
        ErrorCode::ArchiveTooLarge,
        format!(
            "文件超过 {} MB，没有保存。请把扫描分辨率调低（如 150–200 dpi、黑白或灰度）或压缩 PDF 后重新上传",
            ARCHIVE_MAX_BYTES / (1024 * 1024)
        ),
    )
    .field("file")
}

/// A temporary file for an archive being received (bounded at 20 MB).
pub async fn staging() -> Result<Staged, Fault> {
    Staged::new(ARCHIVE_MAX_BYTES, too_large()).await
}

/// What an upload did, and the file's page count.
pub struct Uploaded {
    pub put: Put,
    pub page_count: u32,
}

/// Keeps `file` as the member's archive, waiting for the superior.
pub async fn upload(
    app: &App,
    user: &Signed,
    person_id: i64,
    file: &Received,
) -> Result<Uploaded, Fault> {
    let (_, member) = member_for(app, user, person_id, Action::UploadArchive).await?;
    still_member(&member)?;
    if !archive_required(member.join_month.as_deref()) {
        let joined = member.join_month.clone().unwrap_or_else(|| "未填写".into());
        return Err(Fault::new(
            ErrorCode::ArchiveNotRequired,
            format!(
                "{}的入团年月是 {joined}，团员电子档案只为 {ARCHIVE_FROM_MONTH} 及以后入团的团员上传；如入团年月填错了，请先修改团员信息",
                member.name
            ),
        ));
    }
    // Said before the file is read; the transaction checks again.
    if let Some(a) = app.store.archive(person_id).await?
        && !a.status.replaceable()
    {
        return Err(replacement_refused(a.status).into());
    }
    if file.size == 0 {
        return Err(Fault::new(
            ErrorCode::ArchiveEmpty,
            "上传的文件是空的（0 字节），请重新选择扫描好的《入团志愿书》PDF 文件",
        )
        .field("file"));
    }
    // The check reads the cross-reference and the page tree (a damaged file may be scanned
    // whole) from one buffer of the file's size, in a child process when the server has one.
    let page_count = pages_of(app, file, ARCHIVE).await?;
    let meta = NewFile {
        sha256: &file.sha256,
        media_type: "application/pdf",
        file_name: &file.file_name,
        page_count: Some(i64::from(page_count)),
        uploaded_by: user.person.id,
    };
    let mut tx = app.store.begin().await?;
    let file_id = store_tx(&mut tx, &meta, file).await?;
    let put = put_archive_tx(
        &mut tx,
        &user.actor(),
        person_id,
        member.branch.id,
        &meta,
        file_id,
        file.size,
    )
    .await?;
    tx.commit().await?;
    Ok(Uploaded { put, page_count })
}
