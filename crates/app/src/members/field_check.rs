//! One field of a member, cadre or applicant form checked as the user leaves it (issue 13):
//! the domain's parsing of the whole record, that field's faults only (`field_check`).

use tuanjian_domain::ErrorCode;
use tuanjian_domain::field_check::{CHECKED_FIELDS, checked_field, field_faults};
use tuanjian_domain::member_record::MemberInput;

use super::FaultItem;
use crate::beijing::today;
use crate::fault::Fault;

/// The faults of the field `key` in a form holding `input` (a cadre form's `post_since`
/// beside it); empty when the value is right as far as can be told without saving.
pub fn check(input: &MemberInput, post_since: &str, key: &str) -> Result<Vec<FaultItem>, Fault> {
    let Some(field) = checked_field(key) else {
        let known: Vec<&str> = CHECKED_FIELDS.iter().map(|f| f.key()).collect();
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            format!(
                "无法单独检查字段“{key}”：可检查的字段有 {}",
                known.join("、")
            ),
        )
        .field("field"));
    };
    Ok(field_faults(input, post_since, field, today())
        .iter()
        .map(FaultItem::from)
        .collect())
}
