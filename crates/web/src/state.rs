use std::sync::Arc;

use tuanjian_store::Store;

use crate::auth::password_hash::Hasher;
use crate::config::Config;
use crate::ops::metrics::Metrics;

/// Shared by every request. Holds nothing a second server would need to know: all state that
/// matters (sessions, lockouts) lives in the database.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub hasher: Hasher,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        let hasher = Hasher::new(config.hash_concurrency);
        Self {
            store,
            config: Arc::new(config),
            hasher,
            metrics: Arc::new(Metrics::default()),
        }
    }
}
