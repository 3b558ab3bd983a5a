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
use tuanjian_store::StoreError;
use tuanjian_store::corrections::FieldFault;

use crate::fault::Fault;

/// Why a change did not happen: faults in fields (shown beside them; nothing written), or a
/// refusal, a conflict or a fault of the system.
#[derive(Debug)]
pub enum Failure {
    Fields(Vec<FieldFault>),
    Fault(Fault),
}

impl From<Fault> for Failure {
    fn from(f: Fault) -> Self {
        Failure::Fault(f)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Fault(e.into())
    }
}

/// A record's faults as field faults.
pub(crate) fn fields(faults: Vec<MemberFault>) -> Failure {
    Failure::Fields(
        faults
            .into_iter()
            .map(|f| FieldFault {
                code: f.code(),
                field: f.field.map_or("", |x| x.key()),
                message: f.message,
            })
            .collect(),
    )
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
