//! What every use case may need besides its input: the store, the settings and the password
//! hashing threads. Holds nothing a second server would need to know.

use std::sync::Arc;

use tuanjian_store::Store;

use crate::config::Config;
use crate::password_hash::Hasher;

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub config: Arc<Config>,
    pub hasher: Hasher,
}

impl App {
    pub fn new(store: Store, config: Config) -> Self {
        let hasher = Hasher::new(config.hash_concurrency);
        Self {
            store,
            config: Arc::new(config),
            hasher,
        }
    }
}
