//! Argon2id with OWASP parameters (19 MiB, 2 passes, 1 lane), run off the async executor and
//! capped in concurrency so a burst of logins neither stalls other requests nor exhausts memory.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

/// A valid hash of a random password: verifying against it costs the same as a real check, so
/// an unknown account answers as slowly as a known one.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4XcOqvTeCPEVLBW3dRBX0hLYhmHnhx07B1XIJPdBZ8c";

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2: {e}"))
        })
        .await?
    }

    pub async fn verify(&self, password: String, hash: Option<String>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || {
            let real = hash.is_some();
            let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
            let ok = Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok();
            ok && real
        })
        .await
        .map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
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
}
