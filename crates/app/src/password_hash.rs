//! Argon2id with OWASP parameters (19 MiB, 2 passes, 1 lane), run on a few dedicated threads
//! so a burst of logins neither stalls the async executor nor exhausts memory.
//!
//! Each hashing thread owns its 19 MiB of Argon2 memory for the life of the server. Allocating
//! and freeing it per hash (what `Argon2::hash_password` does) cost a fresh mmap, ~4,900 page
//! faults zeroing it and an munmap every time: a large share of a login (docs/benchmarks.md,
//! "Issue 10: logins"). The threads replace spawn_blocking plus a semaphore: their number is
//! the concurrency cap, and a login whose client has gone is dropped before it is hashed.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

/// Work for a hashing thread, given that thread's memory blocks.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

#[derive(Clone)]
pub struct Hasher {
    jobs: mpsc::Sender<Job>,
}

/// A valid hash of a random password: verifying against it costs the same as a real check, so
/// an unknown account answers as slowly as a known one.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4XcOqvTeCPEVLBW3dRBX0hLYhmHnhx07B1XIJPdBZ8c";

impl Hasher {
    /// Starts `threads` hashing threads (at least one). They end when the last clone of the
    /// hasher is dropped.
    pub fn new(threads: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || work(&queue))
                .expect("cannot start a password hashing thread");
        }
        Self { jobs }
    }

    /// Runs `f` on a hashing thread; skipped if the caller stopped waiting before its turn.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            if !tx.is_closed() {
                let _ = tx.send(f(memory));
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| anyhow::anyhow!("argon2: the hashing threads have stopped"))?;
        rx.await
            .map_err(|_| anyhow::anyhow!("argon2: a hashing thread failed"))
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.run(move |memory| hash_with(memory, password.as_bytes()))
            .await?
    }

    pub async fn verify(&self, password: String, hash: Option<String>) -> anyhow::Result<bool> {
        self.run(move |memory| {
            let real = hash.is_some();
            let hash = hash.as_deref().unwrap_or(DUMMY_HASH);
            verify_with(memory, password.as_bytes(), hash) && real
        })
        .await
    }
}

fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        // The lock is held only while waiting, so one idle thread waits on the channel and
        // the others on the lock; a job goes to whichever thread is free first.
        let job = match queue.lock().unwrap_or_else(|e| e.into_inner()).recv() {
            Ok(job) => job,
            Err(_) => return, // every Hasher is gone
        };
        // A panic drops the job's answer channel, so its caller gets an error, and the thread
        // lives on. The memory is rewritten from scratch by every hash, so it stays usable.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut memory)));
    }
}

/// The blocks for `params`, from this thread's memory, grown once if a hash asks for more.
fn blocks_for<'a>(memory: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let count = params.block_count();
    if memory.len() < count {
        *memory = vec![Block::new(); count];
    }
    &mut memory[..count]
}

fn hash_with(memory: &mut Vec<Block>, password: &[u8]) -> anyhow::Result<String> {
    fn argon(e: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("argon2: {e}")
    }
    let params = Params::default();
    let salt = argon2::password_hash::generate_salt();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, blocks_for(memory, &params))
        .map_err(argon)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(argon)?,
        salt: Some(Salt::new(&salt).map_err(argon)?),
        hash: Some(Output::new(&out).map_err(argon)?),
    };
    Ok(phc.to_string())
}

/// Checks `password` against a PHC string with the parameters written in it, so hashes made
/// with other parameters keep working.
fn verify_with(memory: &mut Vec<Block>, password: &[u8], hash: &str) -> bool {
    let Ok(phc) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = phc
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(password, salt, &mut out, blocks_for(memory, &params))
        .is_err()
    {
        return false;
    }
    // Output's equality is constant-time.
    Output::new(&out).is_ok_and(|computed| &computed == expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = Hasher::new(2);
        let hash = h.hash("league2024".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            h.verify("league2024".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!h.verify("league2025".into(), Some(hash)).await.unwrap());
        assert!(!h.verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn dummy_hash_parses() {
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
    }

    /// The reused memory holds the previous hash's blocks: results must not depend on them,
    /// and must agree with the crate's own allocating functions both ways.
    #[tokio::test]
    async fn reused_memory_agrees_with_the_plain_crate() {
        let h = Hasher::new(1);
        let plain = Argon2::default()
            .hash_password(b"old-hash-from-before")
            .unwrap()
            .to_string();
        for round in 0..3 {
            let ours = h.hash(format!("pw-{round}")).await.unwrap();
            assert!(
                Argon2::default()
                    .verify_password(format!("pw-{round}").as_bytes(), ours.as_str())
                    .is_ok()
            );
            assert!(
                h.verify("old-hash-from-before".into(), Some(plain.clone()))
                    .await
                    .unwrap()
            );
            assert!(
                !h.verify("old-hash-from-befor".into(), Some(plain.clone()))
                    .await
                    .unwrap()
            );
        }
    }

    /// A hash stored with other parameters (smaller and larger memory, another variant) still
    /// verifies with the parameters written in it.
    #[tokio::test]
    async fn hashes_with_other_parameters_verify() {
        let h = Hasher::new(1);
        for (alg, m, t) in [
            (Algorithm::Argon2id, 8192, 3),
            (Algorithm::Argon2id, 32768, 1),
            (Algorithm::Argon2i, 4096, 2),
        ] {
            let params = Params::new(m, t, 1, None).unwrap();
            let stored = Argon2::new(alg, Version::V0x13, params)
                .hash_password(b"league2024")
                .unwrap()
                .to_string();
            assert!(
                h.verify("league2024".into(), Some(stored.clone()))
                    .await
                    .unwrap(),
                "{stored}"
            );
            assert!(!h.verify("league2025".into(), Some(stored)).await.unwrap());
        }
        assert!(
            !h.verify("x".into(), Some("not a phc string".into()))
                .await
                .unwrap()
        );
    }

    /// Callers that stop waiting (a client gone mid-login) leave the thread answering the rest.
    #[tokio::test]
    async fn abandoned_calls_leave_the_threads_answering() {
        let h = Hasher::new(1);
        let abandoned: Vec<_> = (0..20)
            .map(|_| {
                let h = h.clone();
                tokio::spawn(async move { h.verify("x".into(), None).await })
            })
            .collect();
        for task in &abandoned {
            task.abort();
        }
        assert!(!h.verify("y".into(), None).await.unwrap());
    }
}
