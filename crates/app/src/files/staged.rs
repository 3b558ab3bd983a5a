//! An upload as it arrives: written to a temporary file piece by piece while its SHA-256 and
//! size are computed, refused as soon as it passes its limit. Memory stays at one piece
//! whatever the file's size; the temporary file is deleted when the value is dropped.

use std::path::PathBuf;

use std::io::Write;

use sha2::{Digest, Sha256};

use crate::fault::Fault;

/// A temporary file, removed when dropped.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An upload being received.
pub struct Staged {
    path: TempPath,
    /// Written synchronously: a piece (tens of KB) lands in the page cache in microseconds,
    /// where a write through tokio's thread pool let the network run ahead of it and the
    /// multipart reader buffer megabytes meanwhile (docs/benchmarks.md, issue 15).
    file: std::fs::File,
    hasher: Sha256,
    size: u64,
    limit: u64,
    too_large: Fault,
}

/// An upload received whole: where it is, its hash and size, the name the client gave it.
pub struct Received {
    path: TempPath,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
}

impl Staged {
    /// A new temporary file for an upload of at most `limit` bytes; `too_large` is what a
    /// larger one is answered with.
    pub async fn new(limit: u64, too_large: Fault) -> Result<Self, Fault> {
        let name = format!(
            "tuanjian-upload-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        );
        let path = TempPath(std::env::temp_dir().join(name));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path.0)
            .map_err(Fault::internal)?;
        Ok(Self {
            path,
            file,
            hasher: Sha256::new(),
            size: 0,
            limit,
            too_large,
        })
    }

    /// Adds the next piece; past the limit the upload is refused (nothing more is written).
    pub async fn write(&mut self, piece: &[u8]) -> Result<(), Fault> {
        self.size += piece.len() as u64;
        if self.size > self.limit {
            return Err(self.too_large.clone());
        }
        self.hasher.update(piece);
        self.file.write_all(piece).map_err(Fault::internal)
    }

    /// The upload received whole.
    pub async fn finish(mut self, file_name: String) -> Result<Received, Fault> {
        // A temporary file: read back at once, never needed after a crash (no sync).
        self.file.flush().map_err(Fault::internal)?;
        Ok(Received {
            path: self.path,
            sha256: hex(&self.hasher.finalize()),
            size: self.size,
            file_name,
        })
    }
}

impl Received {
    /// The content, read into one buffer of exactly its size.
    pub async fn read(&self) -> Result<Vec<u8>, Fault> {
        use tokio::io::AsyncReadExt;
        let mut out = Vec::with_capacity(self.size as usize);
        let mut file = tokio::fs::File::open(&self.path.0)
            .await
            .map_err(Fault::internal)?;
        file.read_to_end(&mut out).await.map_err(Fault::internal)?;
        if out.len() as u64 != self.size {
            return Err(Fault::internal("an upload's temporary file changed size"));
        }
        Ok(out)
    }
}

impl Received {
    /// Where the content is (for a checker in another process, `pdf::pages_of`).
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path.0
    }

    /// The content again from the start, to be read piece by piece.
    pub async fn open(&self) -> Result<tokio::fs::File, Fault> {
        tokio::fs::File::open(&self.path.0)
            .await
            .map_err(Fault::internal)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_domain::ErrorCode;

    fn too_large() -> Fault {
        Fault::of(ErrorCode::TooLarge)
    }

    #[tokio::test]
    async fn hashes_counts_and_reads_back() {
        let mut s = Staged::new(10, too_large()).await.unwrap();
        s.write(b"abc").await.unwrap();
        s.write(b"").await.unwrap();
        let r = s.finish("a.pdf".into()).await.unwrap();
        assert_eq!(r.size, 3);
        // SHA-256("abc")
        assert_eq!(
            r.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(r.read().await.unwrap(), b"abc");
        let path = r.path.0.clone();
        drop(r);
        assert!(!path.exists(), "the temporary file is removed");
    }

    #[tokio::test]
    async fn refuses_past_the_limit_and_leaves_nothing() {
        let mut s = Staged::new(4, too_large()).await.unwrap();
        s.write(b"abcd").await.unwrap();
        let path = s.path.0.clone();
        assert_eq!(s.write(b"e").await.unwrap_err().code, ErrorCode::TooLarge);
        drop(s);
        assert!(!path.exists());
    }
}
