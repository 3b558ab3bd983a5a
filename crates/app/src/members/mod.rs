//! Members and cadres (issue 4): lists, entry, records and their edits, name/ID corrections.
//! All of it is admin work, done through the admin's `AdminScope`, so nothing outside the
//! admin's subtree can be read or changed. Pages and the API call the same functions.

pub mod corrections;
pub mod dev_number;
pub mod entry;
pub mod failure;
pub mod field_check;
pub mod lists;
pub mod narrow;
pub mod paging;
pub mod record;
pub mod selection;

use tuanjian_store::scope::AdminScope;

use crate::authority;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

pub use failure::{Failure, FaultItem};

/// The signed-in person's admin scope; cadres and members are refused (all of this is admin
/// work).
pub async fn admin_scope(app: &App, user: &Signed) -> Result<AdminScope, Fault> {
    authority::admin_scope(
        app,
        user,
        "只有组织管理员可以办理此项业务，请在首页切换到管理员身份",
    )
    .await
}
