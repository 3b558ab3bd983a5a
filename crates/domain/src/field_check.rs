//! One field of a member or cadre form checked as the user leaves it (issue 13): the same
//! parsing as saving the whole record (`MemberInput::parse`), its faults for that field only.
//! What needs the branch (its 号段, the stricter 新疆 rules) or the database (a number or an ID
//! already used) is left to saving, so a check here never refuses what saving would accept.

use chrono::NaiveDate;

use crate::member_fault::{MemberFault, MemberField};
use crate::member_record::{BranchContext, Faults, MemberInput};

/// The fields worth checking on leaving: those whose value can be wrong in form (choices come
/// from a list and cannot).
pub const CHECKED_FIELDS: [MemberField; 16] = [
    MemberField::Name,
    MemberField::IdNumber,
    MemberField::JoinMonth,
    MemberField::DevNumber,
    MemberField::Phone,
    MemberField::Email,
    MemberField::Qq,
    MemberField::Wechat,
    MemberField::WorkUnit,
    MemberField::HouseholdPlace,
    MemberField::JoinUnit,
    MemberField::PartyAppliedMonth,
    MemberField::PartyJoinMonth,
    MemberField::Income,
    MemberField::CardNumber,
    MemberField::PostSince,
];

/// The checked field named `key` (`id_number`, `join_month` …).
pub fn checked_field(key: &str) -> Option<MemberField> {
    CHECKED_FIELDS.iter().copied().find(|f| f.key() == key)
}

/// The faults of `field` in a form holding `input` (and a cadre's `post_since`). The other
/// fields give context (the ID number for the age at joining, the join month for the number's
/// year); their own faults are not reported. An empty value is not checked: whether a field is
/// required is said when the form is saved.
pub fn field_faults(
    input: &MemberInput,
    post_since: &str,
    field: MemberField,
    today: NaiveDate,
) -> Vec<MemberFault> {
    if field == MemberField::PostSince {
        let mut f = Faults(Vec::new());
        f.month(post_since, MemberField::PostSince, today);
        return f.0;
    }
    // The lenient branch: no 号段 and the general (not 新疆) age and numbering years, which
    // accept everything a 新疆 branch or a branch with 号段 would.
    let lenient = BranchContext {
        is_xinjiang: false,
        ranges: None,
        today,
    };
    match input.parse(lenient) {
        Ok(_) => Vec::new(),
        Err(faults) => faults
            .into_iter()
            .filter(|f| f.field == Some(field))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn codes(input: &MemberInput, field: MemberField) -> Vec<&'static str> {
        field_faults(input, "", field, today())
            .iter()
            .map(|f| f.code.code().as_str())
            .collect()
    }

    #[test]
    fn only_the_field_asked_about_is_reported() {
        let mut input = MemberInput::default();
        input.profile.id_number = "11010519491231002Y".into();
        input.profile.phone = "123".into();
        assert_eq!(codes(&input, MemberField::IdNumber), ["id_number_invalid"]);
        assert_eq!(codes(&input, MemberField::Phone), ["invalid_format"]);
        // Name is empty (required) but not asked about.
        assert!(codes(&input, MemberField::Email).is_empty());
    }

    #[test]
    fn other_fields_give_context() {
        let mut input = MemberInput {
            join_month: "2019-05".into(),
            dev_number: "202001000001".into(),
            ..Default::default()
        };
        assert_eq!(
            codes(&input, MemberField::DevNumber),
            ["dev_number_year_mismatch"]
        );
        input.dev_number = "201901000001".into();
        assert!(codes(&input, MemberField::DevNumber).is_empty());
    }

    #[test]
    fn post_since_is_a_month() {
        let faults = field_faults(
            &MemberInput::default(),
            "2023-13",
            MemberField::PostSince,
            today(),
        );
        assert_eq!(faults.len(), 1);
        assert!(faults[0].message.contains("任现职年月"), "{faults:?}");
        assert!(
            field_faults(
                &MemberInput::default(),
                "2023年9月",
                MemberField::PostSince,
                today()
            )
            .is_empty()
        );
    }

    #[test]
    fn only_form_fields_are_checked() {
        assert_eq!(checked_field("id_number"), Some(MemberField::IdNumber));
        assert_eq!(checked_field("ethnicity"), None);
        assert_eq!(checked_field("password"), None);
    }
}
