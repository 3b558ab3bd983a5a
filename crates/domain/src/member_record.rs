//! A whole member or cadre record, as typed into a form, an API call or an import row, parsed
//! into typed values with every fault at once. The one place forms, API and import agree on
//! which fields are required and what each may hold.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dev_number::DevNumber;
use crate::dev_range::DevRange;
use crate::entry_rules::{AgeRule, MemberEntry};
use crate::enums::{CadreNature, Choice, Education, Ethnicity, Occupation, PoliticalStatus, Post};
use crate::id_number::IdNumber;
use crate::join_month::{JoinMonth, JoinMonthError};
use crate::member_fault::{MemberFault, MemberFaultCode, MemberField};
use crate::org_kind::OrgKind;
use crate::own_details::OwnDetailsInput;
use crate::text::BoundedText;

/// Personal fields members and cadres share, as typed. Empty strings mean "not given".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProfileInput {
    pub name: String,
    pub id_number: String,
    pub ethnicity: String,
    pub political_status: String,
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

/// A member's own fields, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MemberInput {
    #[serde(flatten)]
    pub profile: ProfileInput,
    pub join_month: String,
    pub dev_number: String,
    pub join_unit: String,
    /// 是/否 (also 1/0, true/false); empty is 否.
    pub party_applied: String,
    pub party_applied_month: String,
    pub party_join_month: String,
    pub income: String,
    pub card_number: String,
}

/// A cadre's post fields, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CadreInput {
    #[serde(flatten)]
    pub profile: ProfileInput,
    pub post: String,
    pub post_since: String,
    pub cadre_nature: String,
    /// 是/否; empty is 否.
    pub party_committee: String,
}

/// Personal fields, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub id_number: IdNumber,
    pub ethnicity: Ethnicity,
    pub political_status: PoliticalStatus,
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

/// A member record that keeps every rule the domain can check (the store adds the ones that
/// need the database: the ID not yet registered, the development number not yet used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub profile: Profile,
    pub join_month: JoinMonth,
    pub dev_number: Option<DevNumber>,
    pub join_unit: Option<String>,
    pub party_applied: bool,
    pub party_applied_month: Option<JoinMonth>,
    pub party_join_month: Option<JoinMonth>,
    pub income: Option<String>,
    pub card_number: Option<String>,
    /// Not refusals: shown to the admin.
    pub warnings: Vec<String>,
}

/// A cadre's post, parsed for the organisation it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCadre {
    pub profile: Profile,
    pub post: Post,
    pub post_since: Option<JoinMonth>,
    pub nature: CadreNature,
    pub party_committee: bool,
}

/// What the entry rules need to know about the branch a member goes into.
#[derive(Debug, Clone, Copy)]
pub struct BranchContext<'a> {
    pub is_xinjiang: bool,
    /// From `dev_range::applicable_ranges`; `None` where the province allocated nothing.
    pub ranges: Option<&'a [DevRange]>,
    pub today: NaiveDate,
}

/// Collects faults field by field, so a record reports all of them at once.
pub(crate) struct Faults(pub(crate) Vec<MemberFault>);

impl Faults {
    pub(crate) fn text<const MAX: usize>(
        &mut self,
        input: &str,
        field: MemberField,
    ) -> Option<String> {
        match BoundedText::<MAX>::parse(input, field.label()) {
            Ok(t) => Some(t.into_string()),
            Err(e) => {
                self.0.push(MemberFault::from_text(&e, field));
                None
            }
        }
    }

    /// Empty is `None`, not a fault.
    pub(crate) fn optional_text<const MAX: usize>(
        &mut self,
        input: &str,
        field: MemberField,
    ) -> Option<String> {
        if input.trim().is_empty() {
            None
        } else {
            self.text::<MAX>(input, field)
        }
    }

    pub(crate) fn choice<C: Choice>(&mut self, input: &str, field: MemberField) -> Option<C> {
        match C::parse(input) {
            Ok(c) => Some(c),
            Err(e) => {
                self.0.push(e.into_fault(field));
                None
            }
        }
    }

    pub(crate) fn optional_choice<C: Choice>(
        &mut self,
        input: &str,
        field: MemberField,
    ) -> Option<C> {
        if input.trim().is_empty() {
            None
        } else {
            self.choice(input, field)
        }
    }

    pub(crate) fn format(
        &mut self,
        input: &str,
        field: MemberField,
        parse: fn(&str) -> Result<String, &'static str>,
    ) -> Option<String> {
        if input.trim().is_empty() {
            return None;
        }
        match parse(input) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.0.push(MemberFault::new(
                    MemberFaultCode::InvalidFormat,
                    Some(field),
                    format!("{}：{msg}", field.label()),
                ));
                None
            }
        }
    }

    pub(crate) fn month(
        &mut self,
        input: &str,
        field: MemberField,
        today: NaiveDate,
    ) -> Option<JoinMonth> {
        match JoinMonth::parse_on(input, today) {
            Ok(m) => Some(m),
            Err(JoinMonthError::Empty) => None,
            Err(e) => {
                let msg = e.to_string().replace("入团年月", field.label());
                self.0.push(MemberFault::new(
                    MemberFaultCode::JoinDateInvalid,
                    Some(field),
                    msg,
                ));
                None
            }
        }
    }

    pub(crate) fn yes_no(&mut self, input: &str, field: MemberField) -> bool {
        match parse_yes_no(input) {
            Some(b) => b,
            None => {
                self.0.push(MemberFault::new(
                    MemberFaultCode::InvalidChoice,
                    Some(field),
                    format!("{}请填写“是”或“否”", field.label()),
                ));
                false
            }
        }
    }
}

/// 是/否 and the forms spreadsheets and checkboxes give; empty is 否.
pub fn parse_yes_no(input: &str) -> Option<bool> {
    match input.trim().to_ascii_lowercase().as_str() {
        "" | "否" | "0" | "false" | "n" | "no" | "off" => Some(false),
        "是" | "1" | "true" | "y" | "yes" | "on" => Some(true),
        _ => None,
    }
}

pub(crate) fn qq(s: &str) -> Result<String, &'static str> {
    let t = s.trim();
    if (5..=12).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) && !t.starts_with('0') {
        Ok(t.to_string())
    } else {
        Err("QQ号应为5到12位数字，不以0开头")
    }
}

pub(crate) fn wechat(s: &str) -> Result<String, &'static str> {
    let t = s.trim();
    if (6..=20).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Ok(t.to_string())
    } else {
        Err("微信号应为6到20位字母、数字、下划线或减号")
    }
}

impl ProfileInput {
    /// The fields a person may change themself, as typed here.
    pub fn own_details(&self) -> OwnDetailsInput {
        OwnDetailsInput {
            phone: self.phone.clone(),
            email: self.email.clone(),
            qq: self.qq.clone(),
            wechat: self.wechat.clone(),
            full_time_education: self.full_time_education.clone(),
            highest_education: self.highest_education.clone(),
            occupation: self.occupation.clone(),
            work_unit: self.work_unit.clone(),
            household_place: self.household_place.clone(),
        }
    }

    fn parse_into(&self, f: &mut Faults, today: NaiveDate) -> Option<(String, Option<IdNumber>)> {
        let name = f.text::<30>(&self.name, MemberField::Name);
        let id = match IdNumber::parse_on(&self.id_number, today) {
            Ok(id) => Some(id),
            Err(e) => {
                f.0.push(MemberFault::id_number_invalid(&e));
                None
            }
        };
        name.map(|n| (n, id))
    }

    /// The personal fields alone, every fault at once (a 我要入团 application, which has no
    /// membership fields yet).
    pub fn parse(&self, today: NaiveDate) -> Result<Profile, Vec<MemberFault>> {
        let mut f = Faults(Vec::new());
        match self.parse_profile(&mut f, today) {
            Some(p) if f.0.is_empty() => Ok(p),
            _ => Err(f.0),
        }
    }

    /// The personal fields on their own (a cadre, or the profile part of a member).
    fn parse_profile(&self, f: &mut Faults, today: NaiveDate) -> Option<Profile> {
        let name_id = self.parse_into(f, today);
        let ethnicity = f.choice::<Ethnicity>(&self.ethnicity, MemberField::Ethnicity);
        let political_status =
            f.choice::<PoliticalStatus>(&self.political_status, MemberField::PoliticalStatus);
        let own = self.own_details().parse_into(f);
        let (name, id) = name_id?;
        Some(Profile {
            name,
            id_number: id?,
            ethnicity: ethnicity?,
            political_status: political_status?,
            phone: own.phone,
            email: own.email,
            qq: own.qq,
            wechat: own.wechat,
            full_time_education: own.full_time_education,
            highest_education: own.highest_education,
            occupation: own.occupation,
            work_unit: own.work_unit,
            household_place: own.household_place,
        })
    }
}

/// A member's political status: a league member, or a party member who keeps the league
/// membership until 28. Anything else is not a member.
fn member_status_fits(p: PoliticalStatus) -> bool {
    matches!(
        p,
        PoliticalStatus::LeagueMember
            | PoliticalStatus::CpcMember
            | PoliticalStatus::CpcProbationary
    )
}

impl MemberInput {
    /// Every fault of the record, each with its field, or the parsed record.
    pub fn parse(&self, branch: BranchContext<'_>) -> Result<NewMember, Vec<MemberFault>> {
        self.parse_with(branch, AgeRule::Applies)
    }

    /// `parse`, with the joining age applied or waived (`AgeRule`).
    pub fn parse_with(
        &self,
        branch: BranchContext<'_>,
        age_rule: AgeRule,
    ) -> Result<NewMember, Vec<MemberFault>> {
        let mut f = Faults(Vec::new());
        let today = branch.today;
        let profile = self.profile.parse_profile(&mut f, today);
        if let Some(p) = &profile
            && !member_status_fits(p.political_status)
        {
            f.0.push(MemberFault::new(
                MemberFaultCode::InvalidChoice,
                Some(MemberField::PoliticalStatus),
                format!(
                    "团员的政治面貌应为共青团员、中共预备党员或中共党员，不能是“{}”",
                    p.political_status.label()
                ),
            ));
        }
        // The entry rules proper (ID, age at joining, development number) in their one place;
        // the ID fault is already reported by the profile.
        let entry = MemberEntry {
            id_number: &self.profile.id_number,
            join_month: &self.join_month,
            dev_number: &self.dev_number,
            is_xinjiang: branch.is_xinjiang,
            ranges: branch.ranges,
            today,
        }
        .check_with(age_rule);
        let entry = match entry {
            Ok(e) => Some(e),
            Err(faults) => {
                f.0.extend(
                    faults
                        .into_iter()
                        .filter(|x| x.field != Some(MemberField::IdNumber)),
                );
                None
            }
        };
        let join_unit = f.optional_text::<100>(&self.join_unit, MemberField::JoinUnit);
        let party_applied = f.yes_no(&self.party_applied, MemberField::PartyApplied);
        let party_applied_month = f.month(
            &self.party_applied_month,
            MemberField::PartyAppliedMonth,
            today,
        );
        let party_join_month = f.month(&self.party_join_month, MemberField::PartyJoinMonth, today);
        let income = f.optional_text::<20>(&self.income, MemberField::Income);
        let card_number = f.optional_text::<30>(&self.card_number, MemberField::CardNumber);
        if party_applied_month.is_some() && !party_applied {
            f.0.push(MemberFault::new(
                MemberFaultCode::InvalidChoice,
                Some(MemberField::PartyApplied),
                "填写了递交入党申请书年月，“是否递交入党申请书”应为“是”",
            ));
        }
        if let Some(p) = &profile
            && party_join_month.is_some()
            && p.political_status == PoliticalStatus::LeagueMember
        {
            f.0.push(MemberFault::new(
                MemberFaultCode::InvalidChoice,
                Some(MemberField::PartyJoinMonth),
                "填写了入党年月，政治面貌应为中共党员或中共预备党员",
            ));
        }
        match (profile, entry) {
            (Some(profile), Some(entry)) if f.0.is_empty() => Ok(NewMember {
                profile,
                join_month: entry.join_month,
                dev_number: entry.dev_number,
                join_unit,
                party_applied,
                party_applied_month,
                party_join_month,
                income,
                card_number,
                warnings: entry.warnings,
            }),
            _ => Err(f.0),
        }
    }
}

impl CadreInput {
    /// Every fault of the record, each with its field, for a post in an organisation of `kind`.
    pub fn parse(&self, kind: OrgKind, today: NaiveDate) -> Result<NewCadre, Vec<MemberFault>> {
        let mut f = Faults(Vec::new());
        let profile = self.profile.parse_profile(&mut f, today);
        let post = match Post::parse_for(&self.post, kind) {
            Ok(p) => Some(p),
            Err(e) => {
                f.0.push(e.into_fault(MemberField::Post));
                None
            }
        };
        let post_since = f.month(&self.post_since, MemberField::PostSince, today);
        let nature = f.choice::<CadreNature>(&self.cadre_nature, MemberField::CadreNature);
        let party_committee = f.yes_no(&self.party_committee, MemberField::PartyCommittee);
        match (profile, post, nature) {
            (Some(profile), Some(post), Some(nature)) if f.0.is_empty() => Ok(NewCadre {
                profile,
                post,
                post_since,
                nature,
                party_committee,
            }),
            _ => Err(f.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn branch() -> BranchContext<'static> {
        BranchContext {
            is_xinjiang: false,
            ranges: None,
            today: today(),
        }
    }

    fn good() -> MemberInput {
        MemberInput {
            profile: ProfileInput {
                name: " 张三 ".into(),
                id_number: IdNumber::from_first17("11010120100601001").to_string(),
                ethnicity: "汉族".into(),
                political_status: "共青团员".into(),
                phone: "138 0013 8000".into(),
                ..Default::default()
            },
            join_month: "2023年6月".into(),
            dev_number: "202311000001".into(),
            ..Default::default()
        }
    }

    fn codes(r: Result<NewMember, Vec<MemberFault>>) -> Vec<(&'static str, &'static str)> {
        r.err()
            .unwrap_or_default()
            .iter()
            .map(|f| {
                (
                    f.code().as_str(),
                    f.field.map(MemberField::key).unwrap_or(""),
                )
            })
            .collect()
    }

    #[test]
    fn a_good_member_parses() {
        let m = good().parse(branch()).unwrap();
        assert_eq!(m.profile.name, "张三");
        assert_eq!(m.profile.phone.as_deref(), Some("13800138000"));
        assert_eq!(m.profile.ethnicity, Ethnicity::parse("01").unwrap());
        assert_eq!(m.join_month.to_string(), "2023-06");
        assert!(!m.party_applied);
    }

    #[test]
    fn every_fault_is_reported_with_its_field() {
        let mut m = good();
        m.profile.name = String::new();
        m.profile.ethnicity = "火星族".into();
        m.profile.phone = "12345".into();
        m.profile.email = "not-mail".into();
        m.dev_number = String::new();
        m.party_applied = "也许".into();
        assert_eq!(
            codes(m.parse(branch())),
            [
                ("required_missing", "name"),
                ("invalid_choice", "ethnicity"),
                ("invalid_format", "phone"),
                ("invalid_format", "email"),
                ("dev_number_required", "dev_number"),
                ("invalid_choice", "party_applied"),
            ]
        );
    }

    #[test]
    fn a_bad_id_is_reported_once() {
        let mut m = good();
        m.profile.id_number = "110101201006010011".into();
        assert_eq!(
            codes(m.parse(branch())),
            [("id_number_invalid", "id_number")]
        );
    }

    #[test]
    fn a_member_is_a_league_or_party_member() {
        let mut m = good();
        m.profile.political_status = "群众".into();
        assert_eq!(
            codes(m.parse(branch())),
            [("invalid_choice", "political_status")]
        );
        m.profile.political_status = "中共预备党员".into();
        m.party_join_month = "2026-01".into();
        assert!(m.parse(branch()).is_ok());
        m.profile.political_status = "共青团员".into();
        assert_eq!(
            codes(m.parse(branch())),
            [("invalid_choice", "party_join_month")]
        );
    }

    #[test]
    fn party_application_month_needs_the_flag() {
        let mut m = good();
        m.party_applied_month = "2025.09".into();
        assert_eq!(
            codes(m.parse(branch())),
            [("invalid_choice", "party_applied")]
        );
        m.party_applied = "是".into();
        let ok = m.parse(branch()).unwrap();
        assert!(ok.party_applied);
        assert_eq!(ok.party_applied_month.unwrap().to_string(), "2025-09");
        m.party_applied_month = "2099-01".into();
        assert_eq!(
            codes(m.parse(branch())),
            [("join_date_invalid", "party_applied_month")]
        );
    }

    #[test]
    fn cadres_take_their_organisations_posts() {
        let c = CadreInput {
            profile: good().profile,
            post: "组织委员".into(),
            post_since: "2024-09".into(),
            cadre_nature: "兼职".into(),
            party_committee: "否".into(),
        };
        let ok = c.parse(OrgKind::Branch, today()).unwrap();
        assert_eq!(ok.post, Post::OrganisationMember);
        assert_eq!(ok.nature, CadreNature::PartTime);
        let err = c.parse(OrgKind::Committee, today()).unwrap_err();
        assert_eq!(err[0].code(), "invalid_choice");
        assert!(err[0].message.contains("常委"), "{}", err[0].message);
        let mut c = c;
        c.cadre_nature = String::new();
        c.profile.political_status = "群众".into();
        let err = c.parse(OrgKind::Branch, today()).unwrap_err();
        assert_eq!(err.len(), 1, "a cadre may be of any political status");
        assert_eq!(err[0].code(), "required_missing");
    }

    #[test]
    fn yes_no_forms() {
        for (s, v) in [
            ("是", true),
            ("否", false),
            ("", false),
            ("1", true),
            ("on", true),
        ] {
            assert_eq!(parse_yes_no(s), Some(v), "{s}");
        }
        assert_eq!(parse_yes_no("可能"), None);
    }
}
