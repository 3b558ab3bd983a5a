//! Uploaded files the system keeps (issue 15): an upload received into a temporary file while
//! it is hashed, counted and bounded (`staged`), a PDF checked before it is kept (`pdf`), and
//! the chunks of a stored file read back one at a time for a download. Generic: the archive
//! uses it now, 推优入党's forms later; `tuanjian_store::files` keeps them.

pub mod pdf;
pub mod staged;

use tuanjian_store::files::StoredFile;

use crate::context::App;
use crate::fault::Fault;

/// The `seq`-th chunk of a file the caller has already let the user read.
pub async fn chunk(app: &App, file: &StoredFile, seq: i64) -> Result<Vec<u8>, Fault> {
    Ok(app.store.file_chunk(file.id, seq).await?)
}
