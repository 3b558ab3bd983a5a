//! The approval inbox (待办): everything waiting for the admins of the active admin role's
//! organisation, oldest first.

use tuanjian_domain::ErrorCode;
use tuanjian_store::AdminScope;
use tuanjian_store::inbox::InboxItem;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The signed-in admin's inbox.
pub struct Inbox {
    pub authority: Authority,
    pub scope: AdminScope,
    pub items: Vec<InboxItem>,
    pub count: i64,
}

/// The signed-in admin's scope and the items waiting for it.
pub async fn load(app: &App, user: &Signed) -> Result<Inbox, Fault> {
    let authority = authority::required(app, user).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(
            Fault::forbidden("待办事项属于组织管理员；请在首页切换到管理员身份后查看")
                .with_code(ErrorCode::AdminRequired),
        );
    };
    let scope = scope.clone();
    let items = app.store.inbox(scope.org().id).await?;
    let count = app.store.inbox_count(scope.org().id).await?;
    Ok(Inbox {
        authority,
        scope,
        items,
        count,
    })
}
