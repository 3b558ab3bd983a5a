//! Uploaded files the system keeps (issue 15): an upload received into a temporary file while
//! it is hashed, counted and bounded (`staged`), a PDF checked before it is kept (`pdf`), and
//! the chunks of a stored file read back one at a time for a download. Generic: the archive
//! uses it now, 推优入党's forms later; `tuanjian_store::files` keeps them.

pub mod pdf;
pub mod staged;

use tokio::io::AsyncReadExt;
use tuanjian_store::Tx;
use tuanjian_store::files::{CHUNK_BYTES, NewFile, StoredFile, insert_chunk_tx, insert_file_tx};

use crate::context::App;
use crate::fault::Fault;
use staged::Received;

/// Writes a received file into the store in the caller's transaction, reading it back from its
/// temporary file one chunk at a time (memory: one chunk). Returns the stored file's id.
pub async fn store_tx(tx: &mut Tx, meta: &NewFile<'_>, file: &Received) -> Result<i64, Fault> {
    let id = insert_file_tx(tx, meta, file.size).await?;
    let mut source = file.open().await?;
    let mut chunk = vec![0u8; CHUNK_BYTES];
    let mut seq = 0;
    let mut left = file.size;
    while left > 0 {
        let want = left.min(CHUNK_BYTES as u64) as usize;
        source
            .read_exact(&mut chunk[..want])
            .await
            .map_err(Fault::internal)?;
        insert_chunk_tx(tx, id, seq, &chunk[..want]).await?;
        seq += 1;
        left -= want as u64;
    }
    Ok(id)
}

/// The `seq`-th chunk of a file the caller has already let the user read.
pub async fn chunk(app: &App, file: &StoredFile, seq: i64) -> Result<Vec<u8>, Fault> {
    Ok(app.store.file_chunk(file.id, seq).await?)
}
