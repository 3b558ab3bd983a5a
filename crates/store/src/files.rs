//! Stored files (issue 15): any uploaded file the system keeps — a member's 团员电子档案 now,
//! 推优入党's forms later — as one `stored_files` row (content hash, size, type, name, page
//! count, who and when) and its bytes in `file_chunks` rows of at most `CHUNK_BYTES`. Files are
//! written in the caller's transaction, with the row that refers to them and its audit record,
//! and read back a chunk at a time, so no statement holds a whole file. Nothing here knows what
//! a file is for; the users of a file check who may read it.
//!
//! Behind this API the bytes could move to an object store keyed by the content hash (the
//! chunk table replaced, the metadata row kept): docs/ARCHITECTURE.md, "Stored files".

use sqlx::Row;

use crate::{Store, StoreError, Tx, now};

/// The largest chunk row, in bytes: 1 MiB.
pub const CHUNK_BYTES: usize = 1024 * 1024;

/// What the store records about a file it is given (the bytes come separately).
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    /// Hex SHA-256 of the content.
    pub sha256: &'a str,
    pub media_type: &'a str,
    pub file_name: &'a str,
    pub page_count: Option<i64>,
    pub uploaded_by: i64,
}

/// A stored file's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub id: i64,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub file_name: String,
    pub page_count: Option<i64>,
    pub chunk_count: i64,
    pub uploaded_by: i64,
    /// Unix seconds.
    pub uploaded_at: i64,
}

/// The columns `file_from_row` reads, of `stored_files f`.
macro_rules! file_columns {
    () => {
        "f.id, f.sha256, f.size, f.media_type, f.file_name, f.page_count, f.chunk_count, \
         f.uploaded_by, f.uploaded_at"
    };
}
pub(crate) use file_columns;

pub(crate) fn file_from_row(r: &sqlx::any::AnyRow) -> Result<StoredFile, StoreError> {
    Ok(StoredFile {
        id: r.try_get("id")?,
        sha256: r.try_get("sha256")?,
        size: r.try_get("size")?,
        media_type: r.try_get("media_type")?,
        file_name: r.try_get("file_name")?,
        page_count: r.try_get::<Option<i64>, _>("page_count")?,
        chunk_count: r.try_get::<i64, _>("chunk_count")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

/// Starts a new file of `size` bytes in the caller's transaction: its metadata row. The caller
/// then writes its `chunk_count(size)` chunks in order with `insert_chunk_tx`, in the same
/// transaction, so the whole file never needs to be in memory at once. Returns the file's id.
pub async fn insert_file_tx(tx: &mut Tx, meta: &NewFile<'_>, size: u64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO stored_files (sha256, size, media_type, file_name, page_count, chunk_count, \
         uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(meta.sha256)
    .bind(size as i64)
    .bind(meta.media_type)
    .bind(meta.file_name)
    .bind(meta.page_count)
    .bind(chunk_count(size))
    .bind(meta.uploaded_by)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?)
}

/// How many chunks a file of `size` bytes is stored in.
pub fn chunk_count(size: u64) -> i64 {
    size.div_ceil(CHUNK_BYTES as u64) as i64
}

/// The `seq`-th chunk (from 0) of a file begun with `insert_file_tx`; every chunk but the last
/// holds exactly `CHUNK_BYTES`.
pub async fn insert_chunk_tx(
    tx: &mut Tx,
    file_id: i64,
    seq: i64,
    bytes: &[u8],
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO file_chunks (file_id, seq, bytes) VALUES ($1, $2, $3)")
        .bind(file_id)
        .bind(seq)
        .bind(bytes)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes a file and its chunks in the caller's transaction (the row referring to it must
/// already point elsewhere).
pub async fn delete_file_tx(tx: &mut Tx, file_id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM file_chunks WHERE file_id = $1")
        .bind(file_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM stored_files WHERE id = $1")
        .bind(file_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// A stored file's metadata. Callers decide first who may read it.
    pub async fn stored_file(&self, file_id: i64) -> Result<Option<StoredFile>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            file_columns!(),
            " FROM stored_files f WHERE f.id = $1"
        ))
        .bind(file_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(file_from_row).transpose()
    }

    /// One chunk of a file's content (`seq` from 0 to `chunk_count - 1`), for a download that
    /// streams. A missing chunk is a broken file.
    pub async fn file_chunk(&self, file_id: i64, seq: i64) -> Result<Vec<u8>, StoreError> {
        let bytes: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT bytes FROM file_chunks WHERE file_id = $1 AND seq = $2")
                .bind(file_id)
                .bind(seq)
                .fetch_optional(self.pool())
                .await?;
        bytes.ok_or(StoreError::Broken("a stored file lacks one of its chunks"))
    }
}
