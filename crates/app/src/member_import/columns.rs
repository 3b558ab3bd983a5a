//! The two import templates from one column specification: every column either template may
//! hold is described once (`column`), and each template lists the fields it uses. The same
//! `Template` writes the download, reads the upload, writes the error report and the export.

use tuanjian_domain::dev_number::{DEV_NUMBER_LEN, NUMBERED_FROM, XINJIANG_NUMBERED_FROM};
use tuanjian_domain::enums::{
    CadreNature, Education, Ethnicity, Occupation, PoliticalStatus, Post,
};
use tuanjian_domain::member_record::{CadreInput, MemberInput, ProfileInput};
use tuanjian_domain::{MemberField, OrgKind};
use tuanjian_sheet::{Column, Row, Template};

use MemberField as F;

/// Which import: 「导入本级团干部」 or 「导入下级团支部团员团干部」.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Cadres of the admin's own organisation.
    Cadres,
    /// Members (and their posts) of the branches below.
    Members,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Cadres => "cadres",
            Kind::Members => "members",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cadres" => Some(Kind::Cadres),
            "members" => Some(Kind::Members),
            _ => None,
        }
    }

    /// The name the real system gives the function, also the worksheet's name.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Cadres => "导入本级团干部",
            Kind::Members => "导入下级团支部团员团干部",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Kind::Cadres => Kind::Members,
            Kind::Members => Kind::Cadres,
        }
    }

    /// The columns, in order.
    pub fn fields(self) -> &'static [MemberField] {
        match self {
            Kind::Cadres => CADRE_FIELDS,
            Kind::Members => MEMBER_FIELDS,
        }
    }

    /// Most rows in one upload.
    pub fn max_rows(self) -> usize {
        match self {
            Kind::Cadres => 2_000,
            Kind::Members => 100_000,
        }
    }

    /// Largest upload, in bytes.
    pub fn max_bytes(self) -> usize {
        match self {
            Kind::Cadres => 2 * 1024 * 1024,
            Kind::Members => 30 * 1024 * 1024,
        }
    }
}

const MEMBER_FIELDS: &[MemberField] = &[
    F::Name,
    F::IdNumber,
    F::Ethnicity,
    F::PoliticalStatus,
    F::JoinMonth,
    F::DevNumber,
    F::Branch,
    F::Phone,
    F::Email,
    F::Qq,
    F::Wechat,
    F::FullTimeEducation,
    F::HighestEducation,
    F::Occupation,
    F::WorkUnit,
    F::HouseholdPlace,
    F::JoinUnit,
    F::PartyApplied,
    F::PartyAppliedMonth,
    F::PartyJoinMonth,
    F::Income,
    F::CardNumber,
    F::Post,
    F::PostSince,
    F::CadreNature,
    F::PartyCommittee,
];

const CADRE_FIELDS: &[MemberField] = &[
    F::Name,
    F::IdNumber,
    F::Ethnicity,
    F::PoliticalStatus,
    F::Phone,
    F::Email,
    F::Qq,
    F::Wechat,
    F::FullTimeEducation,
    F::HighestEducation,
    F::Occupation,
    F::WorkUnit,
    F::HouseholdPlace,
    F::Post,
    F::PostSince,
    F::CadreNature,
    F::PartyCommittee,
];

/// The post columns of the members template: optional, filled for members who hold a post in
/// their branch.
pub const POST_FIELDS: [MemberField; 4] =
    [F::Post, F::PostSince, F::CadreNature, F::PartyCommittee];

/// What a template depends on besides its kind: the organisation's kind (its posts) and, for
/// the members template, the full names of the branches it may name (the drop-down).
pub struct Context {
    pub org_kind: OrgKind,
    pub branch_names: Vec<String>,
}

const YES_NO: [&str; 2] = ["是", "否"];

/// The one description of every column.
fn column(field: MemberField, kind: Kind, ctx: &Context) -> Column {
    let c = Column::new(field.label());
    match field {
        F::Name => c.required().max_chars(30),
        F::IdNumber => c
            .required()
            .max_chars(18)
            .notes("18位居民身份证号码；本列为文本格式，请勿改为数值"),
        F::Ethnicity => c.required().choices(Ethnicity::labels()),
        F::PoliticalStatus => {
            let c = c.required();
            match kind {
                Kind::Members => c.choices([
                    PoliticalStatus::LeagueMember.label(),
                    PoliticalStatus::CpcProbationary.label(),
                    PoliticalStatus::CpcMember.label(),
                ]),
                Kind::Cadres => c.choices(PoliticalStatus::labels()),
            }
        }
        F::JoinMonth => c
            .required()
            .month()
            .notes("如 2019-05；也可填 2019/5、2019.05、2019年5月"),
        F::DevNumber => c.max_chars(DEV_NUMBER_LEN).notes(format!(
            "{DEV_NUMBER_LEN}位数字；{NUMBERED_FROM}年1月1日及以后入团的必填（新疆{XINJIANG_NUMBERED_FROM}年起）"
        )),
        F::Branch => c
            .required()
            .max_chars(100)
            .choices(ctx.branch_names.iter().cloned())
            .notes("填写团支部的组织全称（不是简称），可从下拉列表中选择"),
        F::Phone => c.max_chars(11).notes("11位手机号码"),
        F::Email => c.max_chars(100),
        F::Qq => c.max_chars(12),
        F::Wechat => c.max_chars(20),
        F::FullTimeEducation | F::HighestEducation => c.choices(Education::labels()),
        F::Occupation => c.choices(Occupation::labels()),
        F::WorkUnit | F::HouseholdPlace | F::JoinUnit => c.max_chars(100),
        F::PartyApplied => c.choices(YES_NO).notes("不填为“否”"),
        F::PartyAppliedMonth | F::PartyJoinMonth => c.month().notes("如 2022-09"),
        F::Income => c.max_chars(20),
        F::CardNumber => c.max_chars(30),
        F::Post => {
            let posts: Vec<&str> = match kind {
                Kind::Cadres => Post::for_kind(ctx.org_kind),
                Kind::Members => Post::for_kind(OrgKind::Branch),
            }
            .iter()
            .map(|p| p.label())
            .collect();
            let c = c.choices(posts);
            match kind {
                Kind::Cadres => c.required(),
                Kind::Members => {
                    c.notes("团干部填写在所在团支部担任的职务；不是团干部的不填本列及后三列")
                }
            }
        }
        F::PostSince => c.month().notes("如 2023-09"),
        F::CadreNature => {
            let c = c.choices(CadreNature::labels());
            match kind {
                Kind::Cadres => c.required(),
                Kind::Members => c.notes("填写了职务的必填"),
            }
        }
        F::PartyCommittee => c.choices(YES_NO).notes("不填为“否”"),
        // Not a column of either template.
        _ => c,
    }
}

/// The template of `kind` for an organisation.
pub fn template(kind: Kind, ctx: &Context) -> Template {
    let mut t = Template::new(
        kind.title(),
        kind.fields()
            .iter()
            .map(|&f| column(f, kind, ctx))
            .collect(),
    );
    t.max_rows = kind.max_rows();
    t.max_bytes = kind.max_bytes();
    // 100,000 rows of 26 columns unpack to about 150 MB of XML, read as a stream.
    t.max_unpacked_bytes = 400 * 1024 * 1024;
    t
}

/// The column index of a field in a template of `kind`.
pub fn index_of(kind: Kind, field: MemberField) -> Option<usize> {
    kind.fields().iter().position(|&f| f == field)
}

/// A row's values taken out by field (the row keeps empty strings).
pub struct RowValues<'a> {
    kind: Kind,
    row: &'a mut Row,
}

impl<'a> RowValues<'a> {
    pub fn new(kind: Kind, row: &'a mut Row) -> Self {
        Self { kind, row }
    }

    pub fn get(&self, field: MemberField) -> &str {
        index_of(self.kind, field).map_or("", |i| self.row.value(i))
    }

    fn take(&mut self, field: MemberField) -> String {
        index_of(self.kind, field)
            .and_then(|i| self.row.values.get_mut(i))
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn profile(&mut self) -> ProfileInput {
        ProfileInput {
            name: self.take(F::Name),
            id_number: self.take(F::IdNumber),
            ethnicity: self.take(F::Ethnicity),
            political_status: self.take(F::PoliticalStatus),
            phone: self.take(F::Phone),
            email: self.take(F::Email),
            qq: self.take(F::Qq),
            wechat: self.take(F::Wechat),
            full_time_education: self.take(F::FullTimeEducation),
            highest_education: self.take(F::HighestEducation),
            occupation: self.take(F::Occupation),
            work_unit: self.take(F::WorkUnit),
            household_place: self.take(F::HouseholdPlace),
        }
    }

    /// The member and, when a post column is filled, the cadre post of a members-template row.
    pub fn member(&mut self) -> (MemberInput, CadreInput) {
        let profile = self.profile();
        let cadre = CadreInput {
            profile: profile.clone(),
            post: self.take(F::Post),
            post_since: self.take(F::PostSince),
            cadre_nature: self.take(F::CadreNature),
            party_committee: self.take(F::PartyCommittee),
        };
        let member = MemberInput {
            profile,
            join_month: self.take(F::JoinMonth),
            dev_number: self.take(F::DevNumber),
            join_unit: self.take(F::JoinUnit),
            party_applied: self.take(F::PartyApplied),
            party_applied_month: self.take(F::PartyAppliedMonth),
            party_join_month: self.take(F::PartyJoinMonth),
            income: self.take(F::Income),
            card_number: self.take(F::CardNumber),
        };
        (member, cadre)
    }

    /// The cadre of a cadres-template row.
    pub fn cadre(&mut self) -> CadreInput {
        CadreInput {
            profile: self.profile(),
            post: self.take(F::Post),
            post_since: self.take(F::PostSince),
            cadre_nature: self.take(F::CadreNature),
            party_committee: self.take(F::PartyCommittee),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            org_kind: OrgKind::Committee,
            branch_names: vec!["共青团某中学高一1班支部".into()],
        }
    }

    #[test]
    fn titles_are_the_domain_labels_and_the_templates_differ() {
        let m = template(Kind::Members, &ctx());
        let c = template(Kind::Cadres, &ctx());
        assert_eq!(m.columns[6].title, "所在团支部");
        assert_eq!(m.columns.len(), 26);
        assert_eq!(c.columns.len(), 17);
        assert_ne!(m.titles(), c.titles());
        assert!(m.columns.iter().all(|col| col.text), "every column is text");
        assert!(m.columns[index_of(Kind::Members, F::JoinMonth).unwrap()].month);
        assert!(c.columns[index_of(Kind::Cadres, F::Post).unwrap()].required);
        assert!(!m.columns[index_of(Kind::Members, F::Post).unwrap()].required);
    }
}
