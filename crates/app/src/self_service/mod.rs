//! The self-service ways in (issue 4, seed question 9): 团员团干部注册, 我要入团, 流动团员报到,
//! and their review by the branch's own admin. The rules are in `tuanjian_domain::self_service`
//! and the store's `applications`; pages and the API call these functions.

pub mod apply_error;
pub mod check;
pub mod lists;
pub mod picker;
pub mod review;
pub mod submit;

use tuanjian_store::scope::AdminScope;

use crate::authority;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

pub use apply_error::{ApplyError, Suggestion};
pub use check::Fields;
pub use review::Viewer;

/// The signed-in admin's scope, or why there is none.
pub async fn admin_scope(app: &App, user: &Signed) -> Result<AdminScope, Fault> {
    authority::admin_scope(
        app,
        user,
        "申请由所申请团支部的管理员审核；请在首页切换到管理员身份后办理",
    )
    .await
}
