//! 毕业 (issue 12): a school marks each student branch with the month its class graduates
//! (teachers' and mixed branches are marked as such, with no month); members who graduate
//! later are marked one by one. When the month comes the branch becomes a 毕业生团组织
//! (`OrgKind::GraduatingBranch`) and its members are listed for transfer.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error_code::ErrorCode;
use crate::join_month::{normalize, tokens};

/// How far ahead a month may be marked: the longest course of study (eight-year medicine)
/// with room for a late year.
pub const MAX_YEARS_AHEAD: i32 = 10;

/// A graduation month, `YYYY-MM` when stored and shown; months order as dates do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GradMonth {
    year: i32,
    month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradMonthError {
    #[error("请填写毕业年月，如 2027-06")]
    Empty,
    #[error("毕业年月“{0}”格式无法识别，请填写如 2027-06、2027/6、2027.06、2027年6月 或 202706")]
    BadFormat(String),
    #[error("毕业年月中的月份 {0} 不对，月份应为1至12")]
    BadMonth(u32),
    #[error("毕业年月{month}早于本月（{now}），请填写本月或以后的月份")]
    Past { month: GradMonth, now: GradMonth },
    #[error("毕业年月{month}太远了：最多可标注{MAX_YEARS_AHEAD}年以内的月份，请核对年份")]
    TooFar { month: GradMonth },
}

impl GradMonthError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::GraduationMonthInvalid
    }
}

impl GradMonth {
    /// The month a date falls in.
    pub fn of_date(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// January of the year after `date`'s: where "not this year" leads.
    pub fn next_january(date: NaiveDate) -> Self {
        Self {
            year: date.year() + 1,
            month: 1,
        }
    }

    /// A month as typed (the forms `JoinMonth` reads, without a day), not before `today`'s
    /// month and at most `MAX_YEARS_AHEAD` years after it.
    pub fn parse_on(input: &str, today: NaiveDate) -> Result<Self, GradMonthError> {
        let month = Self::parse_format(input)?;
        let now = Self::of_date(today);
        if month < now {
            return Err(GradMonthError::Past { month, now });
        }
        if month.year > now.year + MAX_YEARS_AHEAD {
            return Err(GradMonthError::TooFar { month });
        }
        Ok(month)
    }

    /// The stored form `YYYY-MM`, and nothing else.
    pub fn from_stored(s: &str) -> Option<Self> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    fn parse_format(input: &str) -> Result<Self, GradMonthError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(GradMonthError::Empty);
        }
        let shown: String = input.trim().chars().take(20).collect();
        let bad = || GradMonthError::BadFormat(shown.clone());
        let (numbers, seps) = tokens(&s).ok_or_else(bad)?;
        let (year, month) = match (numbers.as_slice(), seps.as_slice()) {
            ([ym], []) if ym.len() == 6 => (&ym[..4], &ym[4..]),
            ([y, m], ['-' | '/' | '.' | '年']) | ([y, m], ['年', '月']) => (*y, *m),
            _ => return Err(bad()),
        };
        if year.len() != 4 || month.is_empty() || month.len() > 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(GradMonthError::BadMonth(month));
        }
        Ok(Self { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// `2027年6月`, for pages and messages.
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

impl fmt::Display for GradMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What a branch is marked as. Only student branches graduate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraduationMark {
    Students(GradMonth),
    Teachers,
    Mixed,
}

/// The kinds of mark, as forms, the API and the database name them.
pub const MARK_KINDS: [(&str, &str); 3] = [
    ("students", "学生团支部（填写毕业年月）"),
    ("teachers", "教师团支部"),
    ("mixed", "师生混合团支部"),
];

impl GraduationMark {
    /// A mark as typed: its kind (`students`, `teachers`, `mixed`) and, for students, the month.
    pub fn parse(kind: &str, month: &str, today: NaiveDate) -> Result<Self, MarkFault> {
        match kind.trim() {
            "students" => GradMonth::parse_on(month, today)
                .map(GraduationMark::Students)
                .map_err(|e| MarkFault {
                    code: e.code(),
                    field: "month",
                    message: e.to_string(),
                }),
            "teachers" => Ok(GraduationMark::Teachers),
            "mixed" => Ok(GraduationMark::Mixed),
            _ => Err(MarkFault {
                code: ErrorCode::InvalidChoice,
                field: "kind",
                message: "请选择标注类别：学生团支部（填写毕业年月）、教师团支部或师生混合团支部"
                    .into(),
            }),
        }
    }

    /// As stored: the kind and, for students, the month; `None` for a value no variant knows.
    pub fn from_stored(kind: &str, month: Option<&str>) -> Option<Self> {
        match (kind, month) {
            ("students", Some(m)) => GradMonth::from_stored(m).map(GraduationMark::Students),
            ("teachers", None) => Some(GraduationMark::Teachers),
            ("mixed", None) => Some(GraduationMark::Mixed),
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            GraduationMark::Students(_) => "students",
            GraduationMark::Teachers => "teachers",
            GraduationMark::Mixed => "mixed",
        }
    }

    pub fn month(self) -> Option<GradMonth> {
        match self {
            GraduationMark::Students(m) => Some(m),
            _ => None,
        }
    }

    /// `2027年6月毕业`, `教师团支部`, `师生混合团支部`.
    pub fn label(self) -> String {
        match self {
            GraduationMark::Students(m) => format!("{}毕业", m.label()),
            GraduationMark::Teachers => "教师团支部".into(),
            GraduationMark::Mixed => "师生混合团支部".into(),
        }
    }
}

/// A member marked as graduating later than their class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateGraduation {
    /// Graduates in their own, later month.
    Until(GradMonth),
    /// Not this year: listed again from January of the year after the one it was marked in.
    NotThisYear(GradMonth),
}

impl LateGraduation {
    /// As typed: `month` with the month, or `not_this_year` (judged against `today`).
    pub fn parse(kind: &str, month: &str, today: NaiveDate) -> Result<Self, MarkFault> {
        match kind.trim() {
            "month" => GradMonth::parse_on(month, today)
                .map(LateGraduation::Until)
                .map_err(|e| MarkFault {
                    code: e.code(),
                    field: "month",
                    message: e.to_string(),
                }),
            "not_this_year" => Ok(LateGraduation::NotThisYear(GradMonth::next_january(today))),
            _ => Err(MarkFault {
                code: ErrorCode::InvalidChoice,
                field: "kind",
                message: "请选择延期毕业的方式：填写毕业年月，或今年不毕业".into(),
            }),
        }
    }

    pub fn from_stored(kind: &str, month: &str) -> Option<Self> {
        let month = GradMonth::from_stored(month)?;
        match kind {
            "month" => Some(LateGraduation::Until(month)),
            "not_this_year" => Some(LateGraduation::NotThisYear(month)),
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            LateGraduation::Until(_) => "month",
            LateGraduation::NotThisYear(_) => "not_this_year",
        }
    }

    /// The first month the member is listed for transfer with the graduates.
    pub fn listed_from(self) -> GradMonth {
        match self {
            LateGraduation::Until(m) | LateGraduation::NotThisYear(m) => m,
        }
    }

    /// Whether the member is still held back in `now`.
    pub fn holds_in(self, now: GradMonth) -> bool {
        self.listed_from() > now
    }

    pub fn label(self) -> String {
        match self {
            LateGraduation::Until(m) => format!("延期至{}毕业", m.label()),
            LateGraduation::NotThisYear(m) => format!("今年不毕业（{}起再列入）", m.label()),
        }
    }
}

/// A mark's fault: the code, the form field it belongs to and a message naming the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkFault {
    pub code: ErrorCode,
    pub field: &'static str,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn gm(y: i32, m: u32) -> GradMonth {
        GradMonth { year: y, month: m }
    }

    #[test]
    fn reads_the_usual_ways_of_writing_a_month() {
        for s in [
            "2027-06",
            "2027-6",
            "2027/6",
            "2027.06",
            "2027年6月",
            "2027年6",
            "202706",
            "２０２７－０６",
            " 2027 - 06 ",
        ] {
            assert_eq!(GradMonth::parse_on(s, today()), Ok(gm(2027, 6)), "{s}");
        }
        assert_eq!(GradMonth::parse_on("2026-12", today()), Ok(gm(2026, 12)));
    }

    #[test]
    fn refuses_bad_past_and_far_months() {
        for s in [
            "abc",
            "2027",
            "27-06",
            "2027-06-01",
            "2027-006",
            "06/2027",
            "20276",
        ] {
            assert!(
                matches!(
                    GradMonth::parse_on(s, today()),
                    Err(GradMonthError::BadFormat(_))
                ),
                "{s}"
            );
        }
        assert_eq!(
            GradMonth::parse_on(" ", today()),
            Err(GradMonthError::Empty)
        );
        assert_eq!(
            GradMonth::parse_on("2027-13", today()),
            Err(GradMonthError::BadMonth(13))
        );
        let past = GradMonth::parse_on("2026-11", today()).unwrap_err();
        assert!(past.to_string().contains("2026-11"), "{past}");
        assert!(matches!(
            GradMonth::parse_on("2037-01", today()),
            Err(GradMonthError::TooFar { .. })
        ));
        assert_eq!(GradMonth::parse_on("2036-12", today()), Ok(gm(2036, 12)));
        assert_eq!(past.code(), "graduation_month_invalid");
    }

    #[test]
    fn marks_parse_and_round_trip() {
        let m = GraduationMark::parse("students", "2027-06", today()).unwrap();
        assert_eq!(m, GraduationMark::Students(gm(2027, 6)));
        assert_eq!(m.label(), "2027年6月毕业");
        for mark in [m, GraduationMark::Teachers, GraduationMark::Mixed] {
            let month = mark.month().map(|m| m.to_string());
            assert_eq!(
                GraduationMark::from_stored(mark.kind(), month.as_deref()),
                Some(mark)
            );
            assert!(MARK_KINDS.iter().any(|(k, _)| *k == mark.kind()));
        }
        // Teachers' branches carry no month, whatever the form sent.
        assert_eq!(
            GraduationMark::parse("teachers", "2027-06", today()),
            Ok(GraduationMark::Teachers)
        );
        let e = GraduationMark::parse("students", "", today()).unwrap_err();
        assert_eq!(
            (e.code, e.field),
            (ErrorCode::GraduationMonthInvalid, "month")
        );
        let e = GraduationMark::parse("pupils", "", today()).unwrap_err();
        assert_eq!((e.code, e.field), (ErrorCode::InvalidChoice, "kind"));
        assert_eq!(GraduationMark::from_stored("students", None), None);
        assert_eq!(
            GraduationMark::from_stored("teachers", Some("2027-06")),
            None
        );
    }

    #[test]
    fn late_graduates_are_held_until_their_month() {
        let late = LateGraduation::parse("month", "2027-09", today()).unwrap();
        assert!(late.holds_in(gm(2027, 8)));
        assert!(!late.holds_in(gm(2027, 9)));
        let not_this_year = LateGraduation::parse("not_this_year", "", today()).unwrap();
        assert_eq!(not_this_year.listed_from(), gm(2027, 1));
        assert!(not_this_year.holds_in(gm(2026, 12)));
        for l in [late, not_this_year] {
            assert_eq!(
                LateGraduation::from_stored(l.kind(), &l.listed_from().to_string()),
                Some(l)
            );
        }
        assert_eq!(LateGraduation::from_stored("never", "2027-01"), None);
        assert_eq!(GradMonth::from_stored("2027-6"), None);
        assert_eq!(GradMonth::from_stored("2027-00"), None);
    }
}
