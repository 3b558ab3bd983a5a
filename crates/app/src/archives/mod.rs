//! 团员电子档案 (issue 15, part 3): the branch (or an admin above it) uploads a member's
//! scanned 《入团志愿书》 (`upload`), the branch's direct superior certifies or rejects it
//! (`review`), the member's page, the member's own and the superior's lists (`view`), the
//! download for the admins in scope and the member (`download`), and 实名校验 线下通过
//! (`identity`). Each use case asks `tuanjian_domain::authorize` with the member's branch as
//! the target; a member outside the admin's scope is `NotFound`.

pub mod download;
pub mod identity;
pub mod review;
pub mod upload;
pub mod view;

use tuanjian_domain::ErrorCode;
use tuanjian_domain::archive::ARCHIVE_DUE_DAYS;
use tuanjian_store::leaving::Standing;

use crate::fault::Fault;

/// Seconds of the due days.
pub const DUE_SECONDS: i64 = ARCHIVE_DUE_DAYS * 24 * 60 * 60;

/// Only members (not those who left) get an archive or a decision on one.
fn still_member(member: &Standing) -> Result<(), Fault> {
    if member.status.is_member() {
        Ok(())
    } else {
        Err(Fault::new(
            ErrorCode::MemberHasLeft,
            format!(
                "{}已不是团员（{}），不能再办理团员电子档案",
                member.name,
                member.status.label()
            ),
        ))
    }
}
