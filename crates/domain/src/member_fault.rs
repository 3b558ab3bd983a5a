//! Faults of member and cadre records: one list of stable codes, each with a Chinese message,
//! shared by forms, the API and Excel import so an admin sees the same words everywhere.

use crate::error_code::ErrorCode;
use std::borrow::Cow;
use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::dev_number::{self, DEV_NUMBER_LEN};
use crate::id_number::IdNumberError;
use crate::join_age;
use crate::text::TextError;

/// Every fault the member rules can report. `code()` is stable (API clients and tests match
/// on it); `message()` is the general Chinese explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberFaultCode {
    IdNumberInvalid,
    RequiredMissing,
    JoinAgeTooYoung,
    JoinDateInvalid,
    DevNumberRequired,
    DevNumberTaken,
    DevNumberYearMismatch,
    DevNumberBadLength,
    DevNumberOutOfRange,
    DevNumberBadFormat,
    OrgNotFound,
    NotABranch,
    AlreadyRegistered,
    TemplateMismatch,
    /// A value outside a fixed list (民族, 政治面貌, 学历, 职业, 职务 …).
    InvalidChoice,
    /// Free text longer than its field allows.
    TooLong,
    /// Free text with control characters.
    InvalidText,
    /// A phone number, e-mail address or similar that is not in its form.
    InvalidFormat,
}

impl MemberFaultCode {
    pub const ALL: [MemberFaultCode; 18] = [
        MemberFaultCode::IdNumberInvalid,
        MemberFaultCode::RequiredMissing,
        MemberFaultCode::JoinAgeTooYoung,
        MemberFaultCode::JoinDateInvalid,
        MemberFaultCode::DevNumberRequired,
        MemberFaultCode::DevNumberTaken,
        MemberFaultCode::DevNumberYearMismatch,
        MemberFaultCode::DevNumberBadLength,
        MemberFaultCode::DevNumberOutOfRange,
        MemberFaultCode::DevNumberBadFormat,
        MemberFaultCode::OrgNotFound,
        MemberFaultCode::NotABranch,
        MemberFaultCode::AlreadyRegistered,
        MemberFaultCode::TemplateMismatch,
        MemberFaultCode::InvalidChoice,
        MemberFaultCode::TooLong,
        MemberFaultCode::InvalidText,
        MemberFaultCode::InvalidFormat,
    ];

    pub fn code(self) -> ErrorCode {
        match self {
            MemberFaultCode::IdNumberInvalid => ErrorCode::IdNumberInvalid,
            MemberFaultCode::RequiredMissing => ErrorCode::RequiredMissing,
            MemberFaultCode::JoinAgeTooYoung => ErrorCode::JoinAgeTooYoung,
            MemberFaultCode::JoinDateInvalid => ErrorCode::JoinDateInvalid,
            MemberFaultCode::DevNumberRequired => ErrorCode::DevNumberRequired,
            MemberFaultCode::DevNumberTaken => ErrorCode::DevNumberTaken,
            MemberFaultCode::DevNumberYearMismatch => ErrorCode::DevNumberYearMismatch,
            MemberFaultCode::DevNumberBadLength => ErrorCode::DevNumberBadLength,
            MemberFaultCode::DevNumberOutOfRange => ErrorCode::DevNumberOutOfRange,
            MemberFaultCode::DevNumberBadFormat => ErrorCode::DevNumberBadFormat,
            MemberFaultCode::OrgNotFound => ErrorCode::OrgNotFound,
            MemberFaultCode::NotABranch => ErrorCode::NotABranch,
            MemberFaultCode::AlreadyRegistered => ErrorCode::AlreadyRegistered,
            MemberFaultCode::TemplateMismatch => ErrorCode::TemplateMismatch,
            MemberFaultCode::InvalidChoice => ErrorCode::InvalidChoice,
            MemberFaultCode::TooLong => ErrorCode::TooLong,
            MemberFaultCode::InvalidText => ErrorCode::InvalidText,
            MemberFaultCode::InvalidFormat => ErrorCode::InvalidFormat,
        }
    }

    /// The general message; `MemberFault` usually carries a more specific one.
    pub fn message(self) -> Cow<'static, str> {
        let general = match self {
            MemberFaultCode::IdNumberInvalid => "身份证号码不正确，请核对后重新填写",
            MemberFaultCode::RequiredMissing => "必填项未填写",
            MemberFaultCode::JoinAgeTooYoung => {
                return format!(
                    "入团年龄不符合规定：{}。因入团年龄问题无法录入的，由发展其入团的团组织\
                     或县级团委开具说明，经省级团委汇总后报团中央统一录入",
                    join_age::rule()
                )
                .into();
            }
            MemberFaultCode::JoinDateInvalid => {
                "入团年月不正确，请填写如 2019-05、2019/5、2019年5月 或 201905，且不能晚于本月、不能早于出生日期"
            }
            MemberFaultCode::DevNumberRequired => {
                return format!("{}必须填写发展团员编号", dev_number::required_rule()).into();
            }
            MemberFaultCode::DevNumberTaken => {
                "发展团员编号已被占用：该编号已被其他人使用并已录入系统。请上级团组织协助，联系对方核实后协商解决"
            }
            MemberFaultCode::DevNumberYearMismatch => "发展团员编号前四位年份与入团年份不一致",
            MemberFaultCode::DevNumberBadLength => {
                return format!("发展团员编号位数不对，应为{DEV_NUMBER_LEN}位数字").into();
            }
            MemberFaultCode::DevNumberOutOfRange => {
                "发展团员编号不在本团支部分配的号段内，请核对编号或联系上级团委"
            }
            MemberFaultCode::DevNumberBadFormat => {
                return format!("发展团员编号填写有误：只能由{DEV_NUMBER_LEN}位数字组成").into();
            }
            MemberFaultCode::OrgNotFound => {
                "组织不存在：“所在团支部”须填写团支部的组织全称（不是简称），请核对后重新导入"
            }
            MemberFaultCode::NotABranch => {
                "团员只能编入团支部，所选组织不是团支部，请选择具体的团支部"
            }
            MemberFaultCode::AlreadyRegistered => {
                "该身份证号码已在系统中，同一人不能重复录入。如其已到本组织，请由其原所在团组织或本组织\
                 办理组织关系转接；如有疑问请联系上级团组织"
            }
            MemberFaultCode::TemplateMismatch => {
                // The real system's words exactly (seed, question 11), punctuation included.
                "您上传的excel表格错误,‘导入本级团干部’和‘导入下级团支部团员团干部’中所下载的模板不可混用,请重新上传正确的表格"
            }
            MemberFaultCode::InvalidChoice => "所填内容不在可选范围内，请从下拉列表中选择",
            MemberFaultCode::TooLong => "所填内容超过允许的字数",
            MemberFaultCode::InvalidText => "所填内容含有不可见的控制字符，请删除后重新填写",
            MemberFaultCode::InvalidFormat => "所填内容格式不正确，请按说明的格式重新填写",
        };
        general.into()
    }
}

impl fmt::Display for MemberFaultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code().as_str())
    }
}

/// The fields of a member or cadre record (shared/domain.md, section 4), so a fault can say
/// which input it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberField {
    Name,
    IdNumber,
    Ethnicity,
    PoliticalStatus,
    JoinMonth,
    DevNumber,
    Branch,
    Phone,
    Email,
    FullTimeEducation,
    HighestEducation,
    Occupation,
    Post,
    PostSince,
    CadreNature,
    MembershipStatus,
    Qq,
    Wechat,
    WorkUnit,
    HouseholdPlace,
    JoinUnit,
    PartyApplied,
    PartyAppliedMonth,
    PartyJoinMonth,
    Income,
    CardNumber,
    PartyCommittee,
}

impl MemberField {
    /// Form and JSON field name.
    pub fn key(self) -> &'static str {
        match self {
            MemberField::Name => "name",
            MemberField::IdNumber => "id_number",
            MemberField::Ethnicity => "ethnicity",
            MemberField::PoliticalStatus => "political_status",
            MemberField::JoinMonth => "join_month",
            MemberField::DevNumber => "dev_number",
            MemberField::Branch => "branch",
            MemberField::Phone => "phone",
            MemberField::Email => "email",
            MemberField::FullTimeEducation => "full_time_education",
            MemberField::HighestEducation => "highest_education",
            MemberField::Occupation => "occupation",
            MemberField::Post => "post",
            MemberField::PostSince => "post_since",
            MemberField::CadreNature => "cadre_nature",
            MemberField::MembershipStatus => "status",
            MemberField::Qq => "qq",
            MemberField::Wechat => "wechat",
            MemberField::WorkUnit => "work_unit",
            MemberField::HouseholdPlace => "household_place",
            MemberField::JoinUnit => "join_unit",
            MemberField::PartyApplied => "party_applied",
            MemberField::PartyAppliedMonth => "party_applied_month",
            MemberField::PartyJoinMonth => "party_join_month",
            MemberField::Income => "income",
            MemberField::CardNumber => "card_number",
            MemberField::PartyCommittee => "party_committee",
        }
    }

    /// The column heading in the import templates and the label on forms.
    pub fn label(self) -> &'static str {
        match self {
            MemberField::Name => "姓名",
            MemberField::IdNumber => "身份证号码",
            MemberField::Ethnicity => "民族",
            MemberField::PoliticalStatus => "政治面貌",
            MemberField::JoinMonth => "入团年月",
            MemberField::DevNumber => "发展团员编号",
            MemberField::Branch => "所在团支部",
            MemberField::Phone => "手机号码",
            MemberField::Email => "电子邮箱",
            MemberField::FullTimeEducation => "全日制学历",
            MemberField::HighestEducation => "最高学历",
            MemberField::Occupation => "职业",
            MemberField::Post => "团内现任职务",
            MemberField::PostSince => "任现职年月",
            MemberField::CadreNature => "团干部性质",
            MemberField::MembershipStatus => "团籍状态",
            MemberField::Qq => "QQ号",
            MemberField::Wechat => "微信号",
            MemberField::WorkUnit => "学习工作单位",
            MemberField::HouseholdPlace => "户籍所在地",
            MemberField::JoinUnit => "入团时所在单位",
            MemberField::PartyApplied => "是否递交入党申请书",
            MemberField::PartyAppliedMonth => "递交入党申请书年月",
            MemberField::PartyJoinMonth => "入党年月",
            MemberField::Income => "收入",
            MemberField::CardNumber => "团员证编号",
            MemberField::PartyCommittee => "是否同级党委（支部）成员",
        }
    }
}

/// One fault of one record: the code, the field it concerns (none for whole-file faults such
/// as a wrong template) and a specific Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFault {
    pub code: MemberFaultCode,
    pub field: Option<MemberField>,
    pub message: String,
}

impl MemberFault {
    pub fn new(
        code: MemberFaultCode,
        field: Option<MemberField>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            field,
            message: message.into(),
        }
    }

    /// With the code's general message.
    pub fn of(code: MemberFaultCode, field: Option<MemberField>) -> Self {
        Self::new(code, field, code.message())
    }

    pub fn required_missing(field: MemberField) -> Self {
        Self::new(
            MemberFaultCode::RequiredMissing,
            Some(field),
            format!("{}为必填项，请填写", field.label()),
        )
    }

    pub fn id_number_invalid(err: &IdNumberError) -> Self {
        match err {
            IdNumberError::Empty => Self::required_missing(MemberField::IdNumber),
            other => Self::new(
                MemberFaultCode::IdNumberInvalid,
                Some(MemberField::IdNumber),
                other.to_string(),
            ),
        }
    }

    /// For free-text fields checked with `BoundedText`.
    pub fn from_text(err: &TextError, field: MemberField) -> Self {
        let code = match err {
            TextError::Empty(_) => MemberFaultCode::RequiredMissing,
            TextError::TooLong { .. } => MemberFaultCode::TooLong,
            TextError::Invisible { .. } => MemberFaultCode::InvalidText,
        };
        Self::new(code, Some(field), err.to_string())
    }

    /// The store found the development number on someone else's record. `holder_org` is the
    /// full name of that person's organisation when the admin may be told it.
    pub fn dev_number_taken(number: &str, holder_org: Option<&str>) -> Self {
        let place = holder_org
            .map(|o| format!("（使用者所在组织：{o}）"))
            .unwrap_or_default();
        Self::new(
            MemberFaultCode::DevNumberTaken,
            Some(MemberField::DevNumber),
            format!(
                "发展团员编号 {number} 已被占用：该编号已被其他人使用并已录入系统{place}。\
                 请核对编号；确认无误的，请上级团组织协助联系对方，协商解决"
            ),
        )
    }

    /// The store found the ID number already in the system. The fix is a transfer, not a
    /// second record, so the message says so and names where the person is when known.
    pub fn already_registered(current_org: Option<&str>) -> Self {
        let place = current_org
            .map(|o| format!("（目前所在组织：{o}）"))
            .unwrap_or_default();
        Self::new(
            MemberFaultCode::AlreadyRegistered,
            Some(MemberField::IdNumber),
            format!(
                "该身份证号码已在系统中{place}，同一人不能重复录入。如其已到本组织，\
                 请办理团组织关系转接（由其本人、原所在团组织或本组织发起）；如有疑问请联系上级团组织"
            ),
        )
    }

    /// The named organisation does not exist (most often: a short name instead of the full name).
    pub fn org_not_found(name: &str) -> Self {
        Self::new(
            MemberFaultCode::OrgNotFound,
            Some(MemberField::Branch),
            format!(
                "组织不存在：找不到“{}”。“所在团支部”须填写团支部的组织全称（不是简称），请核对后重新填写",
                shorten(name)
            ),
        )
    }

    /// Members belong only to a 团支部.
    pub fn not_a_branch(name: &str) -> Self {
        Self::new(
            MemberFaultCode::NotABranch,
            Some(MemberField::Branch),
            format!(
                "“{}”不是团支部：团员只能编入团支部（含毕业班团支部），请填写具体团支部的全称",
                shorten(name)
            ),
        )
    }

    /// The uploaded sheet came from the other import template.
    pub fn template_mismatch() -> Self {
        Self::of(MemberFaultCode::TemplateMismatch, None)
    }

    pub fn code(&self) -> ErrorCode {
        self.code.code()
    }
}

/// Echo at most 30 characters of what was typed, so a pasted paragraph does not flood a page.
pub(crate) fn shorten(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() <= 30 {
        t.to_string()
    } else {
        let mut out: String = t.chars().take(30).collect();
        out.push('…');
        out
    }
}

impl fmt::Display for MemberFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MemberFault {}

/// `{"code": "...", "field": "join_month" | null, "message": "..."}`.
impl Serialize for MemberFault {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("MemberFault", 3)?;
        s.serialize_field("code", &self.code.code())?;
        s.serialize_field("field", &self.field.map(MemberField::key))?;
        s.serialize_field("message", &self.message)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_listed_once_with_a_chinese_message() {
        let codes: Vec<&str> = MemberFaultCode::ALL
            .iter()
            .map(|c| c.code().as_str())
            .collect();
        assert_eq!(
            codes,
            [
                "id_number_invalid",
                "required_missing",
                "join_age_too_young",
                "join_date_invalid",
                "dev_number_required",
                "dev_number_taken",
                "dev_number_year_mismatch",
                "dev_number_bad_length",
                "dev_number_out_of_range",
                "dev_number_bad_format",
                "org_not_found",
                "not_a_branch",
                "already_registered",
                "template_mismatch",
                "invalid_choice",
                "too_long",
                "invalid_text",
                "invalid_format",
            ]
        );
        let unique: HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len());
        let messages: HashSet<_> = MemberFaultCode::ALL.iter().map(|c| c.message()).collect();
        assert_eq!(messages.len(), codes.len(), "each code has its own message");
        for c in MemberFaultCode::ALL {
            assert!(
                c.code()
                    .as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
            assert!(
                c.message()
                    .chars()
                    .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                "{c}"
            );
        }
    }

    #[test]
    fn messages_built_from_the_rules_numbers_read_as_before() {
        assert_eq!(
            MemberFaultCode::JoinAgeTooYoung.message(),
            "入团年龄不符合规定：2017年1月1日及以后入团须入团当月年满13周岁（新疆地区各年份均为13周岁），\
             2017年1月1日以前入团须入团当月年满12周岁。因入团年龄问题无法录入的，由发展其入团的团组织\
             或县级团委开具说明，经省级团委汇总后报团中央统一录入"
        );
        assert_eq!(
            MemberFaultCode::DevNumberRequired.message(),
            "2017年1月1日及以后入团的团员（新疆地区2016年起）必须填写发展团员编号"
        );
        assert_eq!(
            MemberFaultCode::DevNumberBadLength.message(),
            "发展团员编号位数不对，应为12位数字"
        );
        assert_eq!(
            MemberFaultCode::DevNumberBadFormat.message(),
            "发展团员编号填写有误：只能由12位数字组成"
        );
    }

    #[test]
    fn the_four_dev_number_faults_have_their_own_codes() {
        // Seed, question 4: occupied, year, length/segment, format.
        let dev: HashSet<_> = [
            MemberFaultCode::DevNumberTaken,
            MemberFaultCode::DevNumberYearMismatch,
            MemberFaultCode::DevNumberBadLength,
            MemberFaultCode::DevNumberOutOfRange,
            MemberFaultCode::DevNumberBadFormat,
        ]
        .iter()
        .map(|c| c.message())
        .collect();
        assert_eq!(dev.len(), 5);
    }

    #[test]
    fn template_message_is_the_real_systems() {
        let f = MemberFault::template_mismatch();
        assert_eq!(f.code(), "template_mismatch");
        assert_eq!(f.field, None);
        assert_eq!(
            f.message,
            "您上传的excel表格错误,‘导入本级团干部’和‘导入下级团支部团员团干部’中所下载的模板不可混用,请重新上传正确的表格"
        );
    }

    #[test]
    fn store_faults_name_the_place() {
        let f = MemberFault::already_registered(Some("某某中学初三（1）班团支部"));
        assert_eq!(f.code(), "already_registered");
        assert!(f.message.contains("某某中学初三（1）班团支部"));
        assert!(f.message.contains("转接"));
        let f = MemberFault::dev_number_taken("201913000001", None);
        assert_eq!(f.field, Some(MemberField::DevNumber));
        assert!(f.message.contains("201913000001") && f.message.contains("上级团组织协助"));
        // The seed says 请求上级组织协助; the old text doubled 请 (「请请求」).
        assert!(!f.message.contains("请请求"), "{}", f.message);
        assert!(!MemberFaultCode::DevNumberTaken.message().contains("请请求"));
        let f = MemberFault::org_not_found("初三一班");
        assert!(f.message.contains("全称") && f.message.contains("初三一班"));
        let long = "长".repeat(100);
        assert!(MemberFault::not_a_branch(&long).message.contains('…'));
    }

    #[test]
    fn converts_other_errors() {
        let f = MemberFault::id_number_invalid(&IdNumberError::BadLength(4));
        assert_eq!(f.code(), "id_number_invalid");
        assert_eq!(
            MemberFault::id_number_invalid(&IdNumberError::Empty).code(),
            "required_missing"
        );
        let f = MemberFault::from_text(
            &TextError::TooLong {
                field: "姓名",
                max: 4,
                len: 5,
            },
            MemberField::Name,
        );
        assert_eq!(
            (f.code().as_str(), f.field),
            ("too_long", Some(MemberField::Name))
        );
        let f = MemberFault::from_text(
            &TextError::Invisible {
                field: "姓名",
                ch: '\0',
            },
            MemberField::Name,
        );
        assert_eq!(f.code(), "invalid_text");
    }

    #[test]
    fn fields_have_keys_and_labels() {
        assert_eq!(MemberField::JoinMonth.key(), "join_month");
        assert_eq!(MemberField::DevNumber.label(), "发展团员编号");
        assert_eq!(
            MemberFault::required_missing(MemberField::Name).message,
            "姓名为必填项，请填写"
        );
    }
}
