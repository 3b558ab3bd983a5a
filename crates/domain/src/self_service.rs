//! The self-service ways in (seed, question 9): 团员团干部注册, 我要入团 and 流动团员报到 —
//! their kinds, review states, the stages of a 我要入团 application and the rules that decide
//! who may use which way. The entry rules proper stay in `entry_rules` / `member_record`.

use crate::error_code::ErrorCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::entry_rules::{join_age, month_turning};
use crate::enums::PoliticalStatus;
use crate::id_number::IdNumber;
use crate::join_age::MIN_JOIN_AGE;
use crate::join_month::JoinMonth;
use crate::member_fault::MemberField;
use crate::member_record::{CadreInput, ProfileInput};

/// Since 2020 only members who joined before this year may register themselves; later
/// members are entered by their branch's admin.
pub const REGISTER_BEFORE_YEAR: i32 = 2020;
/// 我要入团: the applicant is at least this old on the day of applying (the joining age
/// that applies today) …
pub const JOIN_MIN_AGE: u32 = MIN_JOIN_AGE;
/// … and younger than this.
pub const JOIN_MAX_AGE: u32 = 28;

/// Who may register themselves, as forms state it.
pub fn register_rule() -> String {
    format!("自{REGISTER_BEFORE_YEAR}年起，只有{REGISTER_BEFORE_YEAR}年以前入团的团员可以自行注册")
}

/// Who may apply to join, as forms state it: 「年满13周岁、未满28周岁」.
pub fn join_age_range() -> String {
    format!("年满{JOIN_MIN_AGE}周岁、未满{JOIN_MAX_AGE}周岁")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    /// 团员团干部注册: a member no admin has entered.
    Register,
    /// 我要入团: a young person applies to join.
    Join,
    /// 流动团员报到: a member away from home reports to a local branch.
    Report,
}

impl ApplicationKind {
    pub const ALL: [ApplicationKind; 3] = [
        ApplicationKind::Register,
        ApplicationKind::Join,
        ApplicationKind::Report,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationKind::Register => "register",
            ApplicationKind::Join => "join",
            ApplicationKind::Report => "report",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationKind::Register => "团员团干部注册",
            ApplicationKind::Join => "我要入团",
            ApplicationKind::Report => "流动团员报到",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Review state (报到审核 as the real system names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Returned,
    Approved,
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 4] = [
        ApplicationStatus::Pending,
        ApplicationStatus::Returned,
        ApplicationStatus::Approved,
        ApplicationStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "pending",
            ApplicationStatus::Returned => "returned",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "待审核",
            ApplicationStatus::Returned => "已退回",
            ApplicationStatus::Approved => "已通过",
            ApplicationStatus::Withdrawn => "已撤回",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The applicant may withdraw it (nothing decided for good yet).
    pub fn may_withdraw(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Pending | ApplicationStatus::Returned
        )
    }

    /// The applicant may correct it and submit it again.
    pub fn may_resubmit(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Returned | ApplicationStatus::Withdrawn
        )
    }
}

/// The stages of a 我要入团 application: 申请 → 积极分子 → 发展对象 → 团员, in this order only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinStage {
    Applied,
    Activist,
    Candidate,
    Member,
}

impl JoinStage {
    pub const ALL: [JoinStage; 4] = [
        JoinStage::Applied,
        JoinStage::Activist,
        JoinStage::Candidate,
        JoinStage::Member,
    ];

    pub fn code(self) -> &'static str {
        match self {
            JoinStage::Applied => "applied",
            JoinStage::Activist => "activist",
            JoinStage::Candidate => "candidate",
            JoinStage::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JoinStage::Applied => "申请入团",
            JoinStage::Activist => "入团积极分子",
            JoinStage::Candidate => "发展对象",
            JoinStage::Member => "团员",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The only stage that may follow; `None` at the last.
    pub fn next(self) -> Option<JoinStage> {
        match self {
            JoinStage::Applied => Some(JoinStage::Activist),
            JoinStage::Activist => Some(JoinStage::Candidate),
            JoinStage::Candidate => Some(JoinStage::Member),
            JoinStage::Member => None,
        }
    }

    /// Moving to `to` from here: the next stage, or a refusal saying which one is.
    pub fn advance_to(self, to: JoinStage) -> Result<JoinStage, SelfServiceFault> {
        match self.next() {
            Some(next) if next == to => Ok(next),
            Some(next) => Err(SelfServiceFault::new(
                ErrorCode::StageOutOfOrder,
                None,
                format!(
                    "入团申请须按“申请入团 → 入团积极分子 → 发展对象 → 团员”逐步办理：当前阶段为“{}”，下一步只能是“{}”，不能改为“{}”",
                    self.label(),
                    next.label(),
                    to.label()
                ),
            )),
            None => Err(SelfServiceFault::new(
                ErrorCode::StageOutOfOrder,
                None,
                "申请人已经是团员，入团申请已办结",
            )),
        }
    }
}

/// A refusal of the self-service rules, with a stable code, like a `MemberFault`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfServiceFault {
    pub code: ErrorCode,
    pub field: Option<MemberField>,
    pub message: String,
}

impl SelfServiceFault {
    pub fn new(code: ErrorCode, field: Option<MemberField>, message: impl Into<String>) -> Self {
        Self {
            code,
            field,
            message: message.into(),
        }
    }
}

/// 团员团干部注册 is only for those who joined before `REGISTER_BEFORE_YEAR`.
pub fn check_register_join_month(join: JoinMonth) -> Result<(), SelfServiceFault> {
    if join.year() < REGISTER_BEFORE_YEAR {
        return Ok(());
    }
    Err(SelfServiceFault::new(
        ErrorCode::JoinedSince2020,
        Some(MemberField::JoinMonth),
        format!(
            "{}。您的入团年月为{}，\
             请联系发展您入团的团支部，由团支部管理员将您录入系统（录入后用身份证号码和初始密码登录）",
            register_rule(),
            join.label()
        ),
    ))
}

/// 团员团干部注册 as a cadre who is not a league member (seed, question 9: the way is for
/// members **and cadres** no admin entered — a 中共党员 or 群众 serving as 团干部): the post and
/// its organisation (any level, not only a 团支部) instead of a membership. Approved into a post
/// (`insert_cadre_tx`), never a member record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CadrePost {
    /// 团内职务, e.g. 书记, 副书记, 委员.
    pub post: String,
    /// 任职年月, optional.
    pub post_since: String,
    /// 团干部性质: 专职, 兼职, 挂职.
    pub cadre_nature: String,
    /// 是否同级党委委员: 是/否.
    pub party_committee: String,
}

impl CadrePost {
    /// The post with the applicant's personal fields, as the cadre entry parses it.
    pub fn with_profile(&self, profile: ProfileInput) -> CadreInput {
        CadreInput {
            profile,
            post: self.post.clone(),
            post_since: self.post_since.clone(),
            cadre_nature: self.cadre_nature.clone(),
            party_committee: self.party_committee.clone(),
        }
    }
}

/// A cadre registering as not a member is not a 共青团员: members register as members (with
/// their 入团年月), so their membership is recorded.
pub fn check_cadre_registrant(p: PoliticalStatus) -> Result<(), SelfServiceFault> {
    if p != PoliticalStatus::LeagueMember {
        return Ok(());
    }
    Err(SelfServiceFault::new(
        ErrorCode::CadreIsMember,
        Some(MemberField::PoliticalStatus),
        "政治面貌为共青团员的，请选择“以团员身份注册”并填写入团年月；\
         “以团干部身份注册”只用于不是团员的团干部（如中共党员、群众担任团干部）",
    ))
}

/// 我要入团: at least `JOIN_MIN_AGE` as the joining rule counts it (in months: the month of
/// the thirteenth birthday counts, whatever the day — `entry_rules::join_age`) and not yet
/// `JOIN_MAX_AGE` (full years) on the day of applying. Returns the full years.
pub fn check_join_applicant_age(id: &IdNumber, today: NaiveDate) -> Result<u32, SelfServiceFault> {
    let age = id.age_on(today);
    if join_age(id, JoinMonth::of_date(today)) < JOIN_MIN_AGE {
        let from = month_turning(id.birth_date(), JOIN_MIN_AGE);
        return Err(SelfServiceFault::new(
            ErrorCode::ApplicantTooYoung,
            Some(MemberField::IdNumber),
            format!(
                "申请入团须年满{JOIN_MIN_AGE}周岁（年满{JOIN_MIN_AGE}周岁的当月即可）。\
                 按身份证号码，您本月{age}周岁，请于{}起再提交入团申请",
                from.label()
            ),
        ));
    }
    if age >= JOIN_MAX_AGE {
        return Err(SelfServiceFault::new(
            ErrorCode::ApplicantTooOld,
            Some(MemberField::IdNumber),
            format!(
                "申请入团须未满{JOIN_MAX_AGE}周岁。按身份证号码，您已{age}周岁，不能再申请入团；\
                 如曾经入团，请联系原所在团组织"
            ),
        ));
    }
    Ok(age)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(birth: &str) -> IdNumber {
        IdNumber::from_first17(&format!("440106{birth}001"))
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn registration_is_for_members_who_joined_before_2020() {
        assert!(check_register_join_month(JoinMonth::new(2019, 12).unwrap()).is_ok());
        let f = check_register_join_month(JoinMonth::new(2020, 1).unwrap()).unwrap_err();
        assert_eq!(f.code, "joined_since_2020");
        assert_eq!(f.field, Some(MemberField::JoinMonth));
        assert!(f.message.contains("团支部管理员"), "{}", f.message);
        assert!(
            f.message.starts_with(
                "自2020年起，只有2020年以前入团的团员可以自行注册。您的入团年月为2020年1月，"
            ),
            "{}",
            f.message
        );
    }

    #[test]
    fn rules_as_stated() {
        assert_eq!(
            register_rule(),
            "自2020年起，只有2020年以前入团的团员可以自行注册"
        );
        assert_eq!(join_age_range(), "年满13周岁、未满28周岁");
    }

    #[test]
    fn a_registering_cadre_is_not_a_league_member() {
        assert!(check_cadre_registrant(PoliticalStatus::CpcMember).is_ok());
        assert!(check_cadre_registrant(PoliticalStatus::Masses).is_ok());
        let f = check_cadre_registrant(PoliticalStatus::LeagueMember).unwrap_err();
        assert_eq!(f.code, "cadre_is_member");
        assert_eq!(f.field, Some(MemberField::PoliticalStatus));
        let c = CadrePost {
            post: "副书记".into(),
            ..CadrePost::default()
        }
        .with_profile(ProfileInput {
            name: "党员甲".into(),
            ..ProfileInput::default()
        });
        assert_eq!(
            (c.post.as_str(), c.profile.name.as_str()),
            ("副书记", "党员甲")
        );
    }

    #[test]
    fn join_applicants_are_13_to_27() {
        let today = day(2026, 6, 15);
        // The 13th birthday is today, or later this month: old enough (the month counts) …
        assert_eq!(
            check_join_applicant_age(&id("20130615"), today).unwrap(),
            13
        );
        assert!(check_join_applicant_age(&id("20130630"), today).is_ok());
        // … next month: not yet, and the message names the month.
        let f = check_join_applicant_age(&id("20130701"), today).unwrap_err();
        assert_eq!(f.code, "applicant_too_young");
        assert!(f.message.contains("请于2026年7月起"), "{}", f.message);
        // The 28th birthday is tomorrow: still 27; today: too old.
        assert_eq!(
            check_join_applicant_age(&id("19980616"), today).unwrap(),
            27
        );
        let f = check_join_applicant_age(&id("19980615"), today).unwrap_err();
        assert_eq!(f.code, "applicant_too_old");
    }

    #[test]
    fn a_leap_day_birthday_counts_in_february() {
        let f = check_join_applicant_age(&id("20160229"), day(2029, 1, 31)).unwrap_err();
        assert!(f.message.contains("2029年2月起"), "{}", f.message);
        assert!(check_join_applicant_age(&id("20160229"), day(2029, 2, 1)).is_ok());
    }

    #[test]
    fn stages_move_one_step_at_a_time() {
        use JoinStage::*;
        assert_eq!(Applied.advance_to(Activist).unwrap(), Activist);
        assert_eq!(Activist.advance_to(Candidate).unwrap(), Candidate);
        assert_eq!(Candidate.advance_to(Member).unwrap(), Member);
        let f = Applied.advance_to(Member).unwrap_err();
        assert_eq!(f.code, "stage_out_of_order");
        assert!(f.message.contains("入团积极分子"), "{}", f.message);
        assert!(Activist.advance_to(Activist).is_err());
        assert!(Member.advance_to(Member).is_err());
        for s in JoinStage::ALL {
            assert_eq!(JoinStage::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn codes_round_trip() {
        for k in ApplicationKind::ALL {
            assert_eq!(ApplicationKind::parse(k.code()), Some(k));
        }
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.code()), Some(s));
        }
        assert!(ApplicationStatus::Returned.may_resubmit());
        assert!(!ApplicationStatus::Approved.may_withdraw());
    }
}
