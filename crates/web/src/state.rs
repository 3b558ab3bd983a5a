use std::ops::Deref;
use std::sync::Arc;

use tuanjian_app::App;
use tuanjian_store::Store;

use crate::config::Config;
use crate::ops::metrics::Metrics;

/// Shared by every request: the use cases' context and this server's metrics. Holds nothing a
/// second server would need to know: all state that matters (sessions, lockouts) lives in the
/// database.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        Self {
            app: App::new(store, config),
            metrics: Arc::new(Metrics::default()),
        }
    }
}

/// Handlers reach the store, the settings and the hasher as `state.store` and pass `&state`
/// where a use case takes `&App`.
impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
