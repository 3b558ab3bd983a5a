//! Who may read an archive's file: the member themself (whatever role they act in) and the
//! admins whose scope holds the member's branch. Anybody else, and any id without an archive,
//! is `NotFound`, so ids cannot be probed.

use tuanjian_domain::Action;
use tuanjian_store::files::StoredFile;

use crate::context::App;
use crate::fault::Fault;
use crate::leaving::member_for;
use crate::signed::Signed;

/// The archive's file, for a download.
pub async fn archive_file(app: &App, user: &Signed, person_id: i64) -> Result<StoredFile, Fault> {
    if user.person.id != person_id {
        member_for(app, user, person_id, Action::ViewMembers)
            .await
            .map_err(|f| {
                if f.status == 403 {
                    Fault::not_found()
                } else {
                    f
                }
            })?;
    }
    let archive = app
        .store
        .archive(person_id)
        .await?
        .ok_or_else(Fault::not_found)?;
    Ok(archive.file)
}
