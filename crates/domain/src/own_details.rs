//! What a person may change in their own record (个人中心): contact and study/work details,
//! under the same rules as an admin's entry and edit (the record's profile is parsed through
//! `OwnDetailsInput` too). 姓名 and 身份证号码 change only through a correction the province
//! decides; 入团年月, 发展团员编号, the Party fields and the rest stay with the admins, as in the
//! real system (domain reference §7.8).

use serde::{Deserialize, Serialize};

use crate::enums::{Education, Occupation};
use crate::member_fault::{MemberFault, MemberField};
use crate::member_record::{Faults, qq, wechat};
use crate::org_info::{parse_email, parse_mobile};

/// The self-editable fields, as typed. Empty means "not given" (the field is cleared).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct OwnDetailsInput {
    pub phone: String,
    pub email: String,
    pub qq: String,
    pub wechat: String,
    pub full_time_education: String,
    pub highest_education: String,
    pub occupation: String,
    pub work_unit: String,
    pub household_place: String,
}

/// The self-editable fields, parsed; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnDetails {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub qq: Option<String>,
    pub wechat: Option<String>,
    pub full_time_education: Option<Education>,
    pub highest_education: Option<Education>,
    pub occupation: Option<Occupation>,
    pub work_unit: Option<String>,
    pub household_place: Option<String>,
}

/// The form and JSON keys of the self-editable fields, in the form's order.
pub const OWN_DETAIL_FIELDS: [MemberField; 9] = [
    MemberField::Phone,
    MemberField::Email,
    MemberField::Qq,
    MemberField::Wechat,
    MemberField::FullTimeEducation,
    MemberField::HighestEducation,
    MemberField::Occupation,
    MemberField::WorkUnit,
    MemberField::HouseholdPlace,
];

impl OwnDetailsInput {
    /// Every fault at once, each with its field, or the parsed details.
    pub fn parse(&self) -> Result<OwnDetails, Vec<MemberFault>> {
        let mut f = Faults(Vec::new());
        let d = self.parse_into(&mut f);
        if f.0.is_empty() { Ok(d) } else { Err(f.0) }
    }

    /// The fields that parse; a fault for each that does not (none is required).
    pub(crate) fn parse_into(&self, f: &mut Faults) -> OwnDetails {
        OwnDetails {
            phone: f.format(&self.phone, MemberField::Phone, parse_mobile),
            email: f.format(&self.email, MemberField::Email, parse_email),
            qq: f.format(&self.qq, MemberField::Qq, qq),
            wechat: f.format(&self.wechat, MemberField::Wechat, wechat),
            full_time_education: f.optional_choice::<Education>(
                &self.full_time_education,
                MemberField::FullTimeEducation,
            ),
            highest_education: f.optional_choice::<Education>(
                &self.highest_education,
                MemberField::HighestEducation,
            ),
            occupation: f.optional_choice::<Occupation>(&self.occupation, MemberField::Occupation),
            work_unit: f.optional_text::<100>(&self.work_unit, MemberField::WorkUnit),
            household_place: f
                .optional_text::<100>(&self.household_place, MemberField::HouseholdPlace),
        }
    }

    /// The value typed for `field`, if it is one of these.
    pub fn get(&self, field: MemberField) -> Option<&str> {
        Some(match field {
            MemberField::Phone => &self.phone,
            MemberField::Email => &self.email,
            MemberField::Qq => &self.qq,
            MemberField::Wechat => &self.wechat,
            MemberField::FullTimeEducation => &self.full_time_education,
            MemberField::HighestEducation => &self.highest_education,
            MemberField::Occupation => &self.occupation,
            MemberField::WorkUnit => &self.work_unit,
            MemberField::HouseholdPlace => &self.household_place,
            _ => return None,
        })
    }

    /// The slot for `field`, if it is one of these.
    pub fn get_mut(&mut self, field: MemberField) -> Option<&mut String> {
        Some(match field {
            MemberField::Phone => &mut self.phone,
            MemberField::Email => &mut self.email,
            MemberField::Qq => &mut self.qq,
            MemberField::Wechat => &mut self.wechat,
            MemberField::FullTimeEducation => &mut self.full_time_education,
            MemberField::HighestEducation => &mut self.highest_education,
            MemberField::Occupation => &mut self.occupation,
            MemberField::WorkUnit => &mut self.work_unit,
            MemberField::HouseholdPlace => &mut self.household_place,
            _ => return None,
        })
    }
}

/// The field `key` names and why a person may not change it themself, naming who does; `None`
/// for a field they may change or a key no record has.
pub fn not_self_editable(key: &str) -> Option<(MemberField, String)> {
    let field = match key {
        "name" => MemberField::Name,
        "id_number" => MemberField::IdNumber,
        "join_month" => MemberField::JoinMonth,
        "dev_number" => MemberField::DevNumber,
        "party_applied" => MemberField::PartyApplied,
        "party_applied_month" => MemberField::PartyAppliedMonth,
        "party_join_month" => MemberField::PartyJoinMonth,
        "ethnicity" => MemberField::Ethnicity,
        "political_status" => MemberField::PoliticalStatus,
        "join_unit" => MemberField::JoinUnit,
        "income" => MemberField::Income,
        "card_number" => MemberField::CardNumber,
        "status" => MemberField::MembershipStatus,
        "branch" => MemberField::Branch,
        _ => return None,
    };
    let label = field.label();
    let why = match field {
        MemberField::Name | MemberField::IdNumber => format!(
            "{label}不能自行修改：请在个人中心提交更正申请（姓名、身份证号码），由所在省级团委审核"
        ),
        MemberField::MembershipStatus => {
            format!("{label}不能自行修改：离团、退团等由所在团支部办理")
        }
        MemberField::Branch => {
            format!("{label}不能自行修改：更换团支部请在个人中心申请组织关系转接")
        }
        _ => format!(
            "{label}由所在团组织的管理员维护，不能自行修改；如有错误，请联系所在团支部管理员更正"
        ),
    };
    Some((field, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admins_rules_apply() {
        let input = OwnDetailsInput {
            phone: "12345".into(),
            qq: "0123".into(),
            full_time_education: "大学本科".into(),
            work_unit: "某公司".into(),
            ..Default::default()
        };
        let faults = input.parse().unwrap_err();
        let fields: Vec<_> = faults.iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            vec![Some(MemberField::Phone), Some(MemberField::Qq)]
        );
        let ok = OwnDetailsInput {
            phone: "13800138000".into(),
            full_time_education: "大学本科".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.phone.as_deref(), Some("13800138000"));
        assert_eq!(ok.full_time_education, Some(Education::Bachelor));
        assert_eq!(ok.email, None);
    }

    #[test]
    fn fields_kept_by_admins_say_who_changes_them() {
        for key in ["name", "id_number"] {
            assert!(
                not_self_editable(key).unwrap().1.contains("更正申请"),
                "{key}"
            );
        }
        for key in [
            "join_month",
            "dev_number",
            "party_join_month",
            "political_status",
        ] {
            let (field, why) = not_self_editable(key).unwrap();
            assert_eq!(field.key(), key);
            assert!(why.contains("管理员"), "{key}");
        }
        for f in OWN_DETAIL_FIELDS {
            assert_eq!(not_self_editable(f.key()), None, "{}", f.key());
            assert!(OwnDetailsInput::default().get_mut(f).is_some());
            assert_eq!(OwnDetailsInput::default().get(f), Some(""));
        }
        assert_eq!(not_self_editable("anything"), None);
    }
}
