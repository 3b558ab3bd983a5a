//! What the pages and the API show: a member's archive with what the viewer may do, the
//! member's own (我的团员电子档案), and the superior's list (下级团员电子档案审批) with the
//! members of its subtree past the due days without one.

use tuanjian_domain::archive::archive_required;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::archives::{Archive, IdentityCheck, OverdueMember, PendingArchive};
use tuanjian_store::leaving::Standing;

use super::DUE_SECONDS;
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::leaving::member_for;
use crate::org_admin::permit;
use crate::signed::Signed;

/// A member's archive as an admin in scope sees it.
pub struct MemberArchive {
    pub authority: Authority,
    pub member: Standing,
    pub archive: Option<Archive>,
    /// Joined from 2020: an archive is needed.
    pub required: bool,
    /// When it is due (Unix seconds): 30 days after the member's entry.
    pub due_at: i64,
    pub identity: IdentityCheck,
    /// Upload now (none yet, or rejected) — also by the rules of the state.
    pub may_upload: bool,
    /// Certify or reject now (the direct superior, an archive waiting).
    pub may_review: bool,
    /// Mark 线下通过 now.
    pub may_check_identity: bool,
}

impl MemberArchive {
    /// Past the due days without an archive.
    pub fn overdue(&self, now: i64) -> bool {
        self.required && self.archive.is_none() && now > self.due_at
    }
}

pub async fn of_member(app: &App, user: &Signed, person_id: i64) -> Result<MemberArchive, Fault> {
    let (authority, member) = member_for(app, user, person_id, Action::ViewMembers).await?;
    let archive = app.store.archive(person_id).await?;
    let entered = app
        .store
        .member_entered_at(person_id)
        .await?
        .unwrap_or_default();
    let identity = app.store.identity_check(person_id).await?;
    let required = archive_required(member.join_month.as_deref());
    let open = member.status.is_member();
    let allowed = |a| permit(&authority, a, &member.branch).is_ok();
    let may_upload = open
        && required
        && allowed(Action::UploadArchive)
        && archive.as_ref().is_none_or(|a| a.status.replaceable());
    let may_review = open
        && allowed(Action::ApproveArchive)
        && archive
            .as_ref()
            .is_some_and(|a| a.status == tuanjian_domain::archive::ArchiveStatus::Pending);
    let may_check_identity = allowed(Action::CheckIdentityOffline)
        && identity.status != tuanjian_domain::IdentityStatus::Verified;
    Ok(MemberArchive {
        authority,
        member,
        archive,
        required,
        due_at: entered + DUE_SECONDS,
        identity,
        may_upload,
        may_review,
        may_check_identity,
    })
}

/// The signed-in person's own archive; `None` for one who was never a member.
pub struct MyArchive {
    pub member: Standing,
    pub required: bool,
    pub archive: Option<Archive>,
    pub identity: IdentityCheck,
}

pub async fn mine(app: &App, user: &Signed) -> Result<Option<MyArchive>, Fault> {
    let Some(member) = app.store.standing(user.person.id).await? else {
        return Ok(None);
    };
    let archive = app.store.archive(user.person.id).await?;
    let identity = app.store.identity_check(user.person.id).await?;
    Ok(Some(MyArchive {
        required: archive_required(member.join_month.as_deref()),
        member,
        archive,
        identity,
    }))
}

/// How many rows each list shows at most.
pub const LIST_LIMIT: i64 = 200;

/// The admin's organisation's lists.
pub struct ArchiveInbox {
    pub authority: Authority,
    /// Waiting for this organisation: archives of members of the branches directly under it.
    pub to_approve: Vec<PendingArchive>,
    /// Members of the whole subtree past the due days without an archive.
    pub overdue: Vec<OverdueMember>,
}

pub async fn inbox(app: &App, user: &Signed) -> Result<ArchiveInbox, Fault> {
    let authority = authority::required(app, user).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(Fault::forbidden(
            "只有组织管理员可以查看团员电子档案审批，请在首页切换到管理员身份",
        )
        .with_code(ErrorCode::AdminRequired));
    };
    let org = scope.org();
    let to_approve = app.store.archives_to_approve(org.id, LIST_LIMIT).await?;
    let overdue = app
        .store
        .archives_overdue(&org.path, tuanjian_store::now() - DUE_SECONDS, LIST_LIMIT)
        .await?;
    Ok(ArchiveInbox {
        authority,
        to_approve,
        overdue,
    })
}
