//! Logging out: the session ends in the database, so its cookie or token opens nothing more.

use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Ends the signed-in person's current session (audited).
pub async fn logout(app: &App, user: &Signed) -> Result<(), Fault> {
    app.store.end_session(&user.actor(), &user.session).await?;
    Ok(())
}
