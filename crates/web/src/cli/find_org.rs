//! The `--org` argument of the import and template commands.

use tuanjian_store::orgs::Org;
use tuanjian_store::{Store, StoreError};

/// An organisation by id or by exact full name.
pub async fn find_org(store: &Store, key: &str) -> Result<Option<Org>, StoreError> {
    let key = key.trim();
    if let Ok(id) = key.parse::<i64>() {
        return match store.org(id).await {
            Ok(o) => Ok(Some(o)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        };
    }
    store.org_by_full_name(key).await
}
