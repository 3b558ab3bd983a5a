//! What an admin typed into the information form (or sent as JSON), checked field by field
//! with the domain's parsers. Every fault is reported, each against its field, in Chinese.

use serde::Deserialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::org_info::{industry, parse_count, parse_email, parse_mobile, parse_phone};
use tuanjian_domain::{BoundedText, IdNumber, InfoForm, OrgClass, OrgKind};
use tuanjian_store::org_changes::{InfoChanges, field_label};
use tuanjian_store::orgs::Org;

pub const SHORT_NAME_MAX: usize = 30;
pub const FULL_NAME_MAX: usize = 100;
pub const PERSON_NAME_MAX: usize = 30;
pub const COMMENT_MAX: usize = 500;

/// The form's fields as text; empty or absent means "leave as it is".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InfoInput {
    pub short_name: Option<String>,
    pub full_name: Option<String>,
    pub kind: Option<String>,
    pub industry: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub admin_staff_quota: Option<String>,
    pub admin_staff_actual: Option<String>,
    pub career_staff_quota: Option<String>,
    pub career_staff_actual: Option<String>,
    pub secretary_name: Option<String>,
    pub secretary_id_number: Option<String>,
    pub secretary_phone: Option<String>,
}

impl InfoInput {
    pub fn get(&self, key: &str) -> Option<&str> {
        match key {
            "short_name" => self.short_name.as_deref(),
            "full_name" => self.full_name.as_deref(),
            "kind" => self.kind.as_deref(),
            "industry" => self.industry.as_deref(),
            "phone" => self.phone.as_deref(),
            "email" => self.email.as_deref(),
            "admin_staff_quota" => self.admin_staff_quota.as_deref(),
            "admin_staff_actual" => self.admin_staff_actual.as_deref(),
            "career_staff_quota" => self.career_staff_quota.as_deref(),
            "career_staff_actual" => self.career_staff_actual.as_deref(),
            "secretary_name" => self.secretary_name.as_deref(),
            "secretary_id_number" => self.secretary_id_number.as_deref(),
            "secretary_phone" => self.secretary_phone.as_deref(),
            _ => None,
        }
        .map(str::trim)
        .filter(|s| !s.is_empty())
    }

    /// A stored change as input again, to check it once more before it is approved.
    pub fn from_changes(ch: &InfoChanges) -> Self {
        Self {
            short_name: ch.get("short_name"),
            full_name: ch.get("full_name"),
            kind: ch.get("kind"),
            industry: ch.get("industry"),
            phone: ch.get("phone"),
            email: ch.get("email"),
            admin_staff_quota: ch.get("admin_staff_quota"),
            admin_staff_actual: ch.get("admin_staff_actual"),
            career_staff_quota: ch.get("career_staff_quota"),
            career_staff_actual: ch.get("career_staff_actual"),
            secretary_name: ch.get("secretary_name"),
            secretary_id_number: ch.get("secretary_id_number"),
            secretary_phone: ch.get("secretary_phone"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: ErrorCode,
    pub message: String,
}

fn fault(field: &'static str, code: ErrorCode, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        code,
        message: message.into(),
    }
}

/// Checks the input against the form of the organisation's kind (after a kind change in the
/// same input, when there is one). `current` resolves a 书记 ID number left masked as shown.
pub fn validate(
    input: &InfoInput,
    org: &Org,
    current: &InfoChanges,
) -> Result<InfoChanges, Vec<FieldError>> {
    let mut check = Check {
        input,
        out: InfoChanges::default(),
        errors: Vec::new(),
    };
    check.names();
    let class = OrgClass {
        level: org.level,
        kind: check.kind(org.kind),
    };
    let form = InfoForm::of(class);
    check.contacts(class, &form);
    check.staff_counts(class, &form);
    check.secretary(current);
    if check.errors.is_empty() {
        Ok(check.out)
    } else {
        Err(check.errors)
    }
}

/// One pass over the input: what passed so far and every fault found.
struct Check<'a> {
    input: &'a InfoInput,
    out: InfoChanges,
    errors: Vec<FieldError>,
}

impl<'a> Check<'a> {
    fn push(&mut self, field: &'static str, code: ErrorCode, message: impl Into<String>) {
        self.errors.push(fault(field, code, message));
    }

    /// 组织简称 and 组织全称.
    fn names(&mut self) {
        if let Some(s) = self.input.get("short_name") {
            match BoundedText::<SHORT_NAME_MAX>::parse(s, "组织简称") {
                Ok(t) => self.out.short_name = Some(t.into_string()),
                Err(e) => self.push("short_name", e.code(), e.to_string()),
            }
        }
        if let Some(s) = self.input.get("full_name") {
            match BoundedText::<FULL_NAME_MAX>::parse(s, "组织全称") {
                Ok(t) => self.out.full_name = Some(t.into_string()),
                Err(e) => self.push("full_name", e.code(), e.to_string()),
            }
        }
    }

    /// The kind the rest is checked against: the new one when the input changes it.
    fn kind(&mut self, current: OrgKind) -> OrgKind {
        let Some(s) = self.input.get("kind") else {
            return current;
        };
        match OrgKind::parse(s) {
            Ok(k) => {
                self.out.kind = Some(k.code().to_string());
                k
            }
            Err(e) => {
                self.push("kind", e.code(), e.to_string());
                current
            }
        }
    }

    /// The value of a field the input gives, if this class's form asks for it; a field the
    /// form does not ask for is a fault.
    fn asked(&mut self, key: &'static str, class: OrgClass, form: &InfoForm) -> Option<&'a str> {
        let input = self.input;
        let value = input.get(key)?;
        if form.asks(key) {
            Some(value)
        } else {
            self.push(
                key,
                ErrorCode::FieldNotAsked,
                format!("{}不需要填写{}，请留空", class.label(), field_label(key)),
            );
            None
        }
    }

    /// 单位所属行业类别, 联系电话 and 电子邮箱.
    fn contacts(&mut self, class: OrgClass, form: &InfoForm) {
        if let Some(s) = self.asked("industry", class, form) {
            match industry(s) {
                Some(i) => self.out.industry = Some(i.code.to_string()),
                None => self.push(
                    "industry",
                    ErrorCode::IndustryInvalid,
                    format!("单位所属行业类别“{s}”不存在，请从列表中选择"),
                ),
            }
        }
        if let Some(s) = self.asked("phone", class, form) {
            match parse_phone(s) {
                Ok(v) => self.out.phone = Some(v),
                Err(m) => self.push("phone", ErrorCode::PhoneInvalid, m),
            }
        }
        if let Some(s) = self.asked("email", class, form) {
            match parse_email(s) {
                Ok(v) => self.out.email = Some(v),
                Err(m) => self.push("email", ErrorCode::EmailInvalid, m),
            }
        }
    }

    /// 行政编制 and 事业编制: quota and actual.
    fn staff_counts(&mut self, class: OrgClass, form: &InfoForm) {
        for key in [
            "admin_staff_quota",
            "admin_staff_actual",
            "career_staff_quota",
            "career_staff_actual",
        ] {
            let Some(s) = self.asked(key, class, form) else {
                continue;
            };
            match parse_count(s) {
                Ok(n) => match key {
                    "admin_staff_quota" => self.out.admin_staff_quota = Some(n),
                    "admin_staff_actual" => self.out.admin_staff_actual = Some(n),
                    "career_staff_quota" => self.out.career_staff_quota = Some(n),
                    _ => self.out.career_staff_actual = Some(n),
                },
                Err(m) => self.push(
                    key,
                    ErrorCode::CountInvalid,
                    format!("{}：{m}", field_label(key)),
                ),
            }
        }
    }

    /// The 书记: name, ID number and mobile go together.
    fn secretary(&mut self, current: &InfoChanges) {
        let input = self.input;
        let name = input.get("secretary_name");
        let id = input.get("secretary_id_number");
        let mobile = input.get("secretary_phone");
        if name.is_none() && id.is_none() && mobile.is_none() {
            return;
        }
        for (key, value) in [
            ("secretary_name", name),
            ("secretary_id_number", id),
            ("secretary_phone", mobile),
        ] {
            if value.is_none() {
                self.push(
                    key,
                    ErrorCode::RequiredMissing,
                    format!(
                        "请填写{}：书记的姓名、身份证号码和手机号码要一起填写",
                        field_label(key)
                    ),
                );
            }
        }
        if let Some(s) = name {
            match BoundedText::<PERSON_NAME_MAX>::parse(s, "书记姓名") {
                Ok(t) => self.out.secretary_name = Some(t.into_string()),
                Err(e) => self.push("secretary_name", e.code(), e.to_string()),
            }
        }
        if let Some(s) = id {
            self.secretary_id(s, current);
        }
        if let Some(s) = mobile {
            match parse_mobile(s) {
                Ok(v) => self.out.secretary_phone = Some(v),
                Err(m) => self.push(
                    "secretary_phone",
                    ErrorCode::MobileInvalid,
                    format!("书记{m}"),
                ),
            }
        }
    }

    fn secretary_id(&mut self, s: &str, current: &InfoChanges) {
        // The page shows the current 书记's number masked; sent back unchanged it means "same".
        let current_id = current.get("secretary_id_number");
        let masked = current_id
            .as_deref()
            .and_then(|c| IdNumber::parse(c).ok())
            .map(|n| n.masked());
        if masked.as_deref() == Some(s) {
            self.out.secretary_id_number = current_id;
            return;
        }
        match IdNumber::parse(s) {
            Ok(n) => self.out.secretary_id_number = Some(n.as_str().to_string()),
            Err(e) => self.push("secretary_id_number", e.code(), format!("书记{e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_domain::{OrgLevel, OrgPath};

    fn org(level: OrgLevel, kind: OrgKind) -> Org {
        Org {
            id: 3,
            parent_id: Some(2),
            path: OrgPath::parse("/1/2/3/").unwrap(),
            level,
            kind,
            short_name: "一中团委".into(),
            full_name: "共青团某某第一中学委员会".into(),
            province_id: Some(2),
            xinjiang: false,
            created_at: 0,
        }
    }

    #[test]
    fn each_bad_field_is_reported() {
        let input = InfoInput {
            phone: Some("电话".into()),
            email: Some("no-at".into()),
            admin_staff_quota: Some("-3".into()),
            secretary_name: Some("张三".into()),
            secretary_id_number: Some("110105194912310021".into()),
            ..Default::default()
        };
        let errors = validate(
            &input,
            &org(OrgLevel::County, OrgKind::Committee),
            &InfoChanges::default(),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "phone",
                "email",
                "admin_staff_quota",
                "secretary_phone",
                "secretary_id_number"
            ]
        );
    }

    #[test]
    fn each_fault_has_its_code() {
        let codes = |input: InfoInput, org: &Org| -> Vec<(&'static str, &'static str)> {
            validate(&input, org, &InfoChanges::default())
                .unwrap_err()
                .iter()
                .map(|e| (e.field, e.code.as_str()))
                .collect()
        };
        let county = org(OrgLevel::County, OrgKind::Committee);
        let input = InfoInput {
            email: Some("no-at".into()),
            career_staff_actual: Some("2.5".into()),
            secretary_name: Some("张三".into()),
            secretary_id_number: Some("11010519491231002X".into()),
            secretary_phone: Some("1380013".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(input, &county),
            vec![
                ("email", "email_invalid"),
                ("career_staff_actual", "count_invalid"),
                ("secretary_phone", "mobile_invalid"),
            ]
        );
        let branch = org(OrgLevel::Grassroots, OrgKind::Branch);
        let input = InfoInput {
            industry: Some("不存在的行业".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(input, &branch),
            vec![("industry", "industry_invalid")]
        );
    }

    #[test]
    fn fields_outside_the_form_are_refused() {
        let input = InfoInput {
            phone: Some("010-85212345".into()),
            industry: Some("普通高中".into()),
            ..Default::default()
        };
        let branch = org(OrgLevel::Grassroots, OrgKind::Branch);
        let errors = validate(&input, &branch, &InfoChanges::default()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "phone");
        // After a kind change in the same input, the new kind's form applies.
        let input = InfoInput {
            kind: Some("团委".into()),
            admin_staff_quota: Some("0".into()),
            ..Default::default()
        };
        let ok = validate(&input, &branch, &InfoChanges::default()).unwrap();
        assert_eq!(ok.kind.as_deref(), Some("03TW"));
        assert_eq!(ok.admin_staff_quota, Some(0));
    }

    #[test]
    fn masked_id_means_unchanged() {
        let current = InfoChanges {
            secretary_id_number: Some("11010519491231002X".into()),
            ..Default::default()
        };
        let input = InfoInput {
            secretary_name: Some("张三".into()),
            secretary_id_number: Some("110105********002X".into()),
            secretary_phone: Some("13800138000".into()),
            ..Default::default()
        };
        let ok = validate(
            &input,
            &org(OrgLevel::Grassroots, OrgKind::Branch),
            &current,
        )
        .unwrap();
        assert_eq!(
            ok.secretary_id_number.as_deref(),
            Some("11010519491231002X")
        );
    }
}
