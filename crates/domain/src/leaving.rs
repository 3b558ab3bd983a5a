//! 团籍 and leaving the league (domain reference §7.2): the age at which a member leaves, the
//! ways out, which of them the superior approves, the steps a member's history records, and the
//! filter lists use to tell members from those who left.
//!
//! - 超龄离团: at `AGE_LIMIT` a member leaves, done by the branch in bulk with the date; those
//!   holding a league post stay until the post ends, students until they graduate.
//! - 退团 (the member's written request): the member asks online (`withdrawn_pending` while
//!   it waits, and may take it back), or the branch records a request made on paper; the
//!   branch decides (accepts with the date, or declines with a comment); the superior is
//!   informed (备案), it does not approve.
//! - 自行脱团 and 开除团籍: the branch decides; the member waits in the `*_pending` state until
//!   the superior approves (the final state) or returns it (back to normal) with a comment.
//! - 恢复团籍: the branch asks, the superior approves; the way back takes the approval path.

use chrono::{Datelike, Months, NaiveDate};

use crate::enums::MembershipStatus;
use crate::error_code::ErrorCode;
use crate::id_number::IdNumber;

/// A member leaves the league at this age (超龄离团).
pub const AGE_LIMIT: u32 = 28;

/// How far ahead the 超龄 list looks by default: members turning `AGE_LIMIT` within this many
/// months are listed so the branch can prepare.
pub const DEFAULT_NOTICE_MONTHS: u32 = 3;

/// The list never looks further ahead than this (two years).
pub const MAX_NOTICE_MONTHS: u32 = 24;

/// A reason or comment is at most this many characters.
pub const REASON_MAX: usize = 500;

/// The day someone born on `birth` turns `years` (a 29 February birthday counts from 1 March).
pub fn anniversary(birth: NaiveDate, years: u32) -> NaiveDate {
    let year = birth.year() + years as i32;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .expect("1 March exists")
}

/// The day the holder of `id` reaches `AGE_LIMIT`.
pub fn aged_out_on(id: &IdNumber) -> NaiveDate {
    anniversary(id.birth_date(), AGE_LIMIT)
}

/// The latest birth date of a member who reaches `AGE_LIMIT` by `day`: the 超龄 list's bound,
/// compared with the ID number's characters 7–14 (`YYYYMMDD`).
pub fn latest_birth_reaching_limit_by(day: NaiveDate) -> NaiveDate {
    let year = day.year() - AGE_LIMIT as i32;
    NaiveDate::from_ymd_opt(year, day.month(), day.day())
        // Someone born on 29 February turns 28 on 1 March in a common year; on 28 February of
        // a common year only those born by the 28th have.
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .expect("28 February exists")
}

/// The 超龄 list's horizon: `months` after `today`, refused beyond `MAX_NOTICE_MONTHS`.
pub fn horizon(today: NaiveDate, months: u32) -> Result<NaiveDate, LeavingError> {
    if months > MAX_NOTICE_MONTHS {
        return Err(LeavingError::MonthsTooFar);
    }
    Ok(today
        .checked_add_months(Months::new(months))
        .unwrap_or(today))
}

/// Why a member who reached the age limit keeps membership for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    /// Holds a league post: leaves when the post ends.
    HoldsPost,
    /// A student: kept until graduation.
    Student,
}

impl Kept {
    pub fn label(self) -> &'static str {
        match self {
            Kept::HoldsPost => "担任团内职务，任职期满后再办理离团",
            Kept::Student => "在校学生，可保留团籍至毕业",
        }
    }

    pub fn code(self) -> ErrorCode {
        match self {
            Kept::HoldsPost => ErrorCode::HoldsPost,
            Kept::Student => ErrorCode::StudentKept,
        }
    }
}

/// A way out of the league that the branch decides one member at a time (超龄离团 is done in
/// bulk from the 超龄 list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    AgedOut,
    Withdrawn,
    Lapsed,
    Expelled,
}

impl Way {
    pub const ALL: [Way; 4] = [Way::AgedOut, Way::Withdrawn, Way::Lapsed, Way::Expelled];

    pub fn code(self) -> &'static str {
        self.final_status().code()
    }

    pub fn label(self) -> &'static str {
        match self {
            Way::AgedOut => "超龄离团",
            Way::Withdrawn => "退团",
            Way::Lapsed => "自行脱团",
            Way::Expelled => "开除团籍",
        }
    }

    /// The state once the way out is complete.
    pub fn final_status(self) -> MembershipStatus {
        match self {
            Way::AgedOut => MembershipStatus::AgedOut,
            Way::Withdrawn => MembershipStatus::Withdrawn,
            Way::Lapsed => MembershipStatus::Lapsed,
            Way::Expelled => MembershipStatus::Expelled,
        }
    }

    /// Whether the superior approves the branch's decision; otherwise it only takes note (备案).
    pub fn needs_approval(self) -> bool {
        matches!(self, Way::Lapsed | Way::Expelled)
    }

    /// The state the branch's decision sets.
    pub fn status_on_decision(self) -> MembershipStatus {
        if self.needs_approval() {
            self.final_status()
                .pending()
                .expect("every final way has a pending state")
        } else {
            self.final_status()
        }
    }

    /// The way a state of leaving belongs to (final or pending); `None` for `Normal`.
    pub fn of_status(status: MembershipStatus) -> Option<Way> {
        Way::ALL
            .into_iter()
            .find(|w| w.final_status() == status.approved())
    }

    /// A way the branch decides one member at a time, from its code or Chinese name.
    pub fn parse_single(input: &str) -> Result<Way, LeavingError> {
        let t = input.trim();
        let way = Way::ALL
            .into_iter()
            .find(|w| w.code() == t || w.label() == t)
            .ok_or(LeavingError::WayInvalid)?;
        if way == Way::AgedOut {
            return Err(LeavingError::AgedOutInBulk);
        }
        Ok(way)
    }
}

/// What a step of a member's history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The branch decided a way out (effective at once unless the superior approves).
    Decided,
    /// The superior approved the branch's decision or request.
    Approved,
    /// The superior returned it with a comment; the member's state is as before.
    Returned,
    /// The branch asked for the membership to be restored (恢复团籍).
    RestoreRequested,
    /// The member asked the branch for 退团 (the state is `withdrawn_pending` until the branch
    /// decides; accepting it is a `Decided` step).
    Requested,
    /// The member took the 退团 request back while it waited.
    RequestCancelled,
    /// The branch declined the member's 退团 request with a comment.
    Declined,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Decided,
        Step::Approved,
        Step::Returned,
        Step::RestoreRequested,
        Step::Requested,
        Step::RequestCancelled,
        Step::Declined,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Decided => "decided",
            Step::Approved => "approved",
            Step::Returned => "returned",
            Step::RestoreRequested => "restore_requested",
            Step::Requested => "requested",
            Step::RequestCancelled => "request_cancelled",
            Step::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Decided => "团支部决定",
            Step::Approved => "上级审批通过",
            Step::Returned => "上级退回",
            Step::RestoreRequested => "团支部申请恢复团籍",
            Step::Requested => "团员本人申请退团",
            Step::RequestCancelled => "团员撤回退团申请",
            Step::Declined => "团支部不同意退团",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Which members a list shows: by default only members (normal or a way out still pending);
/// `Left` those who left; `All` everyone; `Exactly` one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Standing {
    #[default]
    Members,
    Left,
    All,
    Exactly(MembershipStatus),
}

impl Standing {
    /// From a list's `status` filter: empty for members, `left`/已离团, `all`/全部, or a state's
    /// code or Chinese name.
    pub fn parse(input: &str) -> Result<Standing, crate::enums::ChoiceError> {
        Ok(match input.trim() {
            "" | "members" | "团员" => Standing::Members,
            "left" | "已离团" => Standing::Left,
            "all" | "全部" => Standing::All,
            other => Standing::Exactly(MembershipStatus::parse(other)?),
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Standing::Members => "",
            Standing::Left => "left",
            Standing::All => "all",
            Standing::Exactly(s) => s.code(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Members => "团员（不含已离团）",
            Standing::Left => "已离团",
            Standing::All => "全部",
            Standing::Exactly(s) => s.label(),
        }
    }

    pub fn admits(self, status: MembershipStatus) -> bool {
        match self {
            Standing::Members => status.is_member(),
            Standing::Left => !status.is_member(),
            Standing::All => true,
            Standing::Exactly(s) => s == status,
        }
    }
}

/// Faults of a leaving request as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LeavingError {
    #[error("办理方式只能是 withdrawn（退团）、lapsed（自行脱团）或 expelled（开除团籍）")]
    WayInvalid,
    #[error("超龄离团请在“超龄团员”名单中勾选后批量办理")]
    AgedOutInBulk,
    #[error("日期格式不对，应如 2026-05-01")]
    DateFormat,
    #[error("日期不能晚于今天")]
    DateInFuture,
    #[error("最多提前查看{MAX_NOTICE_MONTHS}个月内满{AGE_LIMIT}周岁的团员")]
    MonthsTooFar,
}

impl LeavingError {
    pub fn code(self) -> ErrorCode {
        match self {
            LeavingError::WayInvalid | LeavingError::AgedOutInBulk => ErrorCode::LeavingWayInvalid,
            LeavingError::DateFormat | LeavingError::DateInFuture | LeavingError::MonthsTooFar => {
                ErrorCode::LeavingDateInvalid
            }
        }
    }
}

/// A leaving date as typed (`2026-05-01`, also `2026/5/1`), not after `today`.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, LeavingError> {
    let t = input.trim().replace('/', "-");
    let day = NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| LeavingError::DateFormat)?;
    if day > today {
        return Err(LeavingError::DateInFuture);
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_limit_is_reached_on_the_birthday() {
        let id = IdNumber::from_first17("44010619980515123");
        assert_eq!(aged_out_on(&id), d(2026, 5, 15));
        assert_eq!(id.age_on(d(2026, 5, 14)), 27);
        assert_eq!(id.age_on(aged_out_on(&id)), AGE_LIMIT);
        assert_eq!(
            latest_birth_reaching_limit_by(d(2026, 5, 15)),
            d(1998, 5, 15)
        );
        // 29 February: 28 on 1 March of a common year, and not yet on 28 February.
        assert_eq!(anniversary(d(2000, 2, 29), 28), d(2028, 2, 29));
        assert_eq!(anniversary(d(2000, 2, 29), 27), d(2027, 3, 1));
        assert_eq!(
            latest_birth_reaching_limit_by(d(2028, 2, 29)),
            d(2000, 2, 29)
        );
    }

    #[test]
    fn horizon_is_bounded() {
        assert_eq!(horizon(d(2026, 1, 31), 1), Ok(d(2026, 2, 28)));
        assert_eq!(horizon(d(2026, 1, 1), 0), Ok(d(2026, 1, 1)));
        assert_eq!(
            horizon(d(2026, 1, 1), MAX_NOTICE_MONTHS + 1)
                .unwrap_err()
                .code(),
            "leaving_date_invalid"
        );
    }

    #[test]
    fn which_way_the_superior_approves() {
        assert_eq!(
            Way::Lapsed.status_on_decision(),
            MembershipStatus::LapsedPending
        );
        assert_eq!(
            Way::Expelled.status_on_decision(),
            MembershipStatus::ExpelledPending
        );
        assert_eq!(
            Way::Withdrawn.status_on_decision(),
            MembershipStatus::Withdrawn
        );
        assert_eq!(Way::AgedOut.status_on_decision(), MembershipStatus::AgedOut);
        for w in Way::ALL {
            assert_eq!(Way::of_status(w.final_status()), Some(w));
            assert_eq!(Way::of_status(w.status_on_decision()), Some(w));
            assert!(!w.final_status().is_member());
        }
        assert_eq!(Way::of_status(MembershipStatus::Normal), None);
    }

    #[test]
    fn ways_parse_by_code_or_name() {
        assert_eq!(Way::parse_single("lapsed"), Ok(Way::Lapsed));
        assert_eq!(Way::parse_single(" 开除团籍 "), Ok(Way::Expelled));
        assert_eq!(Way::parse_single("退团"), Ok(Way::Withdrawn));
        assert_eq!(
            Way::parse_single("aged_out").unwrap_err(),
            LeavingError::AgedOutInBulk
        );
        assert_eq!(
            Way::parse_single("出国").unwrap_err().code(),
            "leaving_way_invalid"
        );
    }

    #[test]
    fn steps_round_trip() {
        for s in Step::ALL {
            assert_eq!(Step::from_code(s.code()), Some(s));
        }
        assert_eq!(Step::from_code("nope"), None);
    }

    #[test]
    fn standing_filters() {
        assert_eq!(Standing::parse(""), Ok(Standing::Members));
        assert_eq!(Standing::parse("left"), Ok(Standing::Left));
        assert_eq!(Standing::parse("全部"), Ok(Standing::All));
        assert_eq!(
            Standing::parse("超龄离团"),
            Ok(Standing::Exactly(MembershipStatus::AgedOut))
        );
        assert!(Standing::parse("离开").is_err());
        for s in MembershipStatus::ALL {
            assert_eq!(Standing::Members.admits(*s), s.is_member());
            assert_eq!(Standing::Left.admits(*s), !s.is_member());
            assert!(Standing::All.admits(*s));
        }
    }

    #[test]
    fn dates() {
        let today = d(2026, 6, 1);
        assert_eq!(parse_date("2026/5/1", today), Ok(d(2026, 5, 1)));
        assert_eq!(
            parse_date("2026-06-02", today),
            Err(LeavingError::DateInFuture)
        );
        assert_eq!(parse_date("5月1日", today), Err(LeavingError::DateFormat));
    }
}
