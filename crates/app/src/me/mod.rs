//! 个人中心 (issue 12): what every signed-in person does with their own record — read it with
//! the 电子团员证 card (`record`), change their contact and study/work details (`details`), ask
//! the province to correct their name or ID number (`correction`), and follow everything they
//! started or that concerns them (`requests`). No role is needed: each use case reads and
//! writes only the signed-in person's own rows, so nobody else's record is reachable.

pub mod correction;
pub mod details;
pub mod record;
pub mod requests;

use tuanjian_domain::{ErrorCode, MemberFault};

use crate::fault::Fault;

pub use crate::members::{Failure, FaultItem};

/// A record's faults as field faults.
pub(crate) fn fields(faults: Vec<MemberFault>) -> Failure {
    Failure::Fields(faults.iter().map(FaultItem::from).collect())
}

/// Said when the person has no membership for a use case that needs one.
pub(crate) fn no_member_record(what: &str) -> Fault {
    Fault::new(
        ErrorCode::NoMemberRecord,
        format!(
            "您没有团员档案，不能{what}。团干部的信息由任职组织的管理员维护，如有疑问请联系该组织"
        ),
    )
}
