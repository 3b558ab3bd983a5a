//! What an organisation must record about itself (完善组织信息), by kind, and when it counts
//! as complete. Required fields follow the real system's forms (shared/domain.md, section 1).

use serde::{Deserialize, Serialize};

use crate::org_kind::{OrgClass, OrgKind};

/// 单位所属行业类别. School codes are those seen in the real API; the others are this
/// project's own, since the public sources do not list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Industry {
    pub code: &'static str,
    pub label: &'static str,
    pub school: bool,
}

const fn ind(code: &'static str, label: &'static str, school: bool) -> Industry {
    Industry {
        code,
        label,
        school,
    }
}

pub const INDUSTRIES: &[Industry] = &[
    ind("01DZJG", "党政机关", false),
    ind("02SYDW", "事业单位", false),
    ind("03PTGDYX", "普通高等院校", true),
    ind("04ZYJYXX", "职业教育学校", true),
    ind("05PTGZ", "普通高中", true),
    ind("051ZDZYYX", "中等职业院校", true),
    ind("052WQZX", "完全中学", true),
    ind("06CZ", "初中", true),
    ind("071JNYGZXX", "九年一贯制学校", true),
    ind("072SENYGZXX", "十二年一贯制学校", true),
    ind("08GYQY", "国有企业", false),
    ind("09FGQY", "非公有制企业", false),
    ind("10SHZZ", "社会组织", false),
    ind("11XZJD", "乡镇（街道）", false),
    ind("12CSQ", "村（社区）", false),
    ind("13JD", "军队、武警", false),
    ind("99QT", "其他", false),
];

pub fn industry(code_or_label: &str) -> Option<&'static Industry> {
    let s = code_or_label.trim();
    INDUSTRIES
        .iter()
        .find(|i| i.code.eq_ignore_ascii_case(s) || i.label == s)
}

/// The fields of 完善组织信息, each optional until filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgInfo {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub industry: Option<String>,
    pub admin_staff_quota: Option<i64>,
    pub admin_staff_actual: Option<i64>,
    pub career_staff_quota: Option<i64>,
    pub career_staff_actual: Option<i64>,
    pub secretary_name: Option<String>,
    pub secretary_id_number: Option<String>,
    pub secretary_phone: Option<String>,
    pub school_code: Option<String>,
}

/// Which form an organisation fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoForm {
    /// 团的领导机关: contact details and staffing, and the 书记.
    LeadingBody,
    /// 基层团委 / 团工委: staffing and industry, and the 书记.
    GrassrootsCommittee,
    /// 团总支, 团支部: industry and the 书记.
    Branch,
}

impl InfoForm {
    pub fn of(class: OrgClass) -> Self {
        if class.level.is_leading_body() {
            InfoForm::LeadingBody
        } else if matches!(class.kind, OrgKind::Committee | OrgKind::WorkCommittee) {
            InfoForm::GrassrootsCommittee
        } else {
            InfoForm::Branch
        }
    }

    /// (field key, Chinese label) of every required field, in form order.
    pub fn required(self) -> &'static [(&'static str, &'static str)] {
        const SECRETARY: [(&str, &str); 3] = [
            ("secretary_name", "书记姓名"),
            ("secretary_id_number", "书记身份证号码"),
            ("secretary_phone", "书记手机号码"),
        ];
        match self {
            InfoForm::LeadingBody => &[
                ("phone", "联系电话"),
                ("email", "电子邮箱"),
                ("admin_staff_quota", "行政编制数"),
                ("admin_staff_actual", "行政编制实际配备数"),
                ("career_staff_quota", "事业编制数"),
                ("career_staff_actual", "事业编制实际配备数"),
                SECRETARY[0],
                SECRETARY[1],
                SECRETARY[2],
            ],
            InfoForm::GrassrootsCommittee => &[
                ("industry", "单位所属行业类别"),
                ("admin_staff_quota", "行政编制数"),
                ("admin_staff_actual", "行政编制实际配备数"),
                ("career_staff_quota", "事业编制数"),
                ("career_staff_actual", "事业编制实际配备数"),
                SECRETARY[0],
                SECRETARY[1],
                SECRETARY[2],
            ],
            InfoForm::Branch => &[
                ("industry", "单位所属行业类别"),
                SECRETARY[0],
                SECRETARY[1],
                SECRETARY[2],
            ],
        }
    }

    pub fn asks(self, field: &str) -> bool {
        self.required().iter().any(|(k, _)| *k == field)
    }
}

impl OrgInfo {
    fn filled(&self, field: &str) -> bool {
        let text = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        match field {
            "phone" => text(&self.phone),
            "email" => text(&self.email),
            "industry" => text(&self.industry),
            "admin_staff_quota" => self.admin_staff_quota.is_some(),
            "admin_staff_actual" => self.admin_staff_actual.is_some(),
            "career_staff_quota" => self.career_staff_quota.is_some(),
            "career_staff_actual" => self.career_staff_actual.is_some(),
            "secretary_name" => text(&self.secretary_name),
            "secretary_id_number" => text(&self.secretary_id_number),
            "secretary_phone" => text(&self.secretary_phone),
            "school_code" => text(&self.school_code),
            _ => false,
        }
    }

    /// Labels of required fields still empty. Complete means: none missing (the 书记's
    /// mobile is among them, so a registered 书记 with a mobile number is part of it), and a
    /// school organisation has its school code.
    pub fn missing(&self, class: OrgClass, is_school: bool) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = InfoForm::of(class)
            .required()
            .iter()
            .filter(|(k, _)| !self.filled(k))
            .map(|(_, l)| *l)
            .collect();
        if is_school && !self.filled("school_code") {
            out.push("学校机构编号");
        }
        out
    }

    pub fn industry_is_school(&self) -> bool {
        self.industry
            .as_deref()
            .and_then(industry)
            .is_some_and(|i| i.school)
    }
}

/// An independent school organisation: not a leading body, its industry a school kind, and its
/// parent not a school (a school's colleges and classes are not independent schools).
pub fn is_independent_school(
    class: OrgClass,
    own_industry: Option<&str>,
    parent_industry: Option<&str>,
) -> bool {
    let school = |code: Option<&str>| code.and_then(industry).is_some_and(|i| i.school);
    !class.level.is_leading_body() && school(own_industry) && !school(parent_industry)
}

/// 学校机构编号: the Ministry of Education's 10-digit school identification code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("学校机构编号应为10位数字（教育部学校标识码，以1至5开头），请核对后重新填写")]
pub struct SchoolCodeError;

impl SchoolCode {
    pub fn parse(s: &str) -> Result<Self, SchoolCodeError> {
        let t = s.trim();
        let ok = t.len() == 10
            && t.bytes().all(|b| b.is_ascii_digit())
            && (b'1'..=b'5').contains(&t.as_bytes()[0]);
        if ok {
            Ok(Self(t.to_string()))
        } else {
            Err(SchoolCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mainland mobile number: 11 digits starting with 1.
pub fn parse_mobile(s: &str) -> Result<String, &'static str> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if t.len() == 11 && t.starts_with('1') && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t)
    } else {
        Err("手机号码应为以1开头的11位数字")
    }
}

/// A landline or mobile: digits with an optional area code and dash, 7 to 20 characters.
pub fn parse_phone(s: &str) -> Result<String, &'static str> {
    let t = s.trim();
    let ok = (7..=20).contains(&t.len())
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && t.bytes().filter(u8::is_ascii_digit).count() >= 7;
    if ok {
        Ok(t.to_string())
    } else {
        Err("联系电话只能包含数字和“-”，例如 010-85212345 或 13800138000")
    }
}

pub fn parse_email(s: &str) -> Result<String, &'static str> {
    let t = s.trim();
    let ok = t.len() <= 100
        && t.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !t.chars().any(char::is_whitespace);
    if ok {
        Ok(t.to_string())
    } else {
        Err("电子邮箱格式不对，例如 tuanwei@example.cn")
    }
}

/// Staffing numbers (编制数): whole numbers from 0 (0 when none).
pub fn parse_count(s: &str) -> Result<i64, &'static str> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=100_000).contains(n))
        .ok_or("编制数应为0或正整数（没有编制填0）")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org_kind::OrgLevel;

    fn class(level: OrgLevel, kind: OrgKind) -> OrgClass {
        OrgClass { level, kind }
    }

    #[test]
    fn forms_by_kind() {
        assert_eq!(
            InfoForm::of(class(OrgLevel::County, OrgKind::Committee)),
            InfoForm::LeadingBody
        );
        assert_eq!(
            InfoForm::of(class(OrgLevel::Grassroots, OrgKind::WorkCommittee)),
            InfoForm::GrassrootsCommittee
        );
        assert_eq!(
            InfoForm::of(class(OrgLevel::Grassroots, OrgKind::Branch)),
            InfoForm::Branch
        );
        assert!(InfoForm::LeadingBody.asks("email") && !InfoForm::LeadingBody.asks("industry"));
        assert!(
            InfoForm::GrassrootsCommittee.asks("industry")
                && !InfoForm::GrassrootsCommittee.asks("phone")
        );
    }

    #[test]
    fn completeness() {
        let branch = class(OrgLevel::Grassroots, OrgKind::Branch);
        let mut info = OrgInfo::default();
        assert_eq!(info.missing(branch, false).len(), 4);
        info.industry = Some("05PTGZ".into());
        info.secretary_name = Some("张三".into());
        info.secretary_id_number = Some("11010519491231002X".into());
        assert_eq!(info.missing(branch, false), vec!["书记手机号码"]);
        info.secretary_phone = Some("13800138000".into());
        assert!(info.missing(branch, false).is_empty());
        assert_eq!(info.missing(branch, true), vec!["学校机构编号"]);
        // Zero staff counts as filled.
        let county = class(OrgLevel::County, OrgKind::Committee);
        let leading = OrgInfo {
            admin_staff_quota: Some(0),
            ..Default::default()
        };
        assert!(!leading.missing(county, false).contains(&"行政编制数"));
    }

    #[test]
    fn formats() {
        assert!(SchoolCode::parse("4111010001").is_ok());
        assert!(SchoolCode::parse("411101000").is_err());
        assert!(SchoolCode::parse("6111010001").is_err());
        assert!(SchoolCode::parse("41110100a1").is_err());
        assert_eq!(parse_mobile("138 0013 8000"), Ok("13800138000".into()));
        assert!(parse_mobile("23800138000").is_err());
        assert!(parse_phone("010-85212345").is_ok());
        assert!(parse_phone("phone").is_err());
        assert!(parse_email("tw@example.cn").is_ok());
        assert!(parse_email("tw@example").is_err());
        assert_eq!(parse_count("0"), Ok(0));
        assert!(parse_count("-1").is_err());
        assert_eq!(industry("普通高中").unwrap().code, "05PTGZ");
        assert!(industry("05ptgz").unwrap().school);
        assert!(!industry("08GYQY").unwrap().school);
    }
}
