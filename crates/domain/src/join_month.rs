//! 入团年月: the month someone joined the league, as people and Excel write it.

use crate::error_code::ErrorCode;
use std::fmt;

use chrono::{Datelike, NaiveDate};

/// The league's first year (中国社会主义青年团, 1922): nobody joined earlier.
pub const FIRST_YEAR: i32 = 1922;

/// A join month no later than the month it was checked against. Stored and shown as
/// `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JoinMonth {
    year: i32,
    month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinMonthError {
    #[error("入团年月为必填项，请填写")]
    Empty,
    #[error("入团年月“{0}”格式无法识别，请填写如 2019-05、2019/5、2019.05、2019年5月 或 201905")]
    BadFormat(String),
    #[error("入团年月中的月份 {0} 不对，月份应为1至12")]
    BadMonth(u32),
    #[error("入团年月中的日期“{0}”不是有效日期")]
    BadDay(String),
    #[error("入团年月不能早于{FIRST_YEAR}年（共青团成立之年），现在是{0}年")]
    TooEarly(i32),
    #[error("入团年月{month}晚于本月，请核对")]
    Future { month: JoinMonth },
    #[error("入团年月{month}早于出生日期{}，请核对入团年月和身份证号码", .birth.format("%Y-%m-%d"))]
    BeforeBirth { month: JoinMonth, birth: NaiveDate },
}

impl JoinMonthError {
    pub fn code(&self) -> ErrorCode {
        match self {
            JoinMonthError::Empty => ErrorCode::RequiredMissing,
            _ => ErrorCode::JoinDateInvalid,
        }
    }
}

/// Full-width digits and punctuation to ASCII, whitespace removed, and a time of day that
/// Excel appends to date cells ("2019-05-01 00:00:00") dropped.
pub(crate) fn normalize(input: &str) -> String {
    let mut s: String = input
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '－' | '—' | '–' => '-',
            '／' => '/',
            '．' | '。' => '.',
            other => other,
        })
        .collect();
    if let Some(colon) = s.find(':') {
        // Cut at the last space or 'T' before the time.
        if let Some(cut) = s[..colon].rfind([' ', 'T', '\u{3000}']) {
            s.truncate(cut);
        }
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Digit runs and the single characters between them.
pub(crate) fn tokens(s: &str) -> Option<(Vec<&str>, Vec<char>)> {
    let mut numbers = Vec::new();
    let mut separators = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        numbers.push(&rest[..digits]);
        rest = &rest[digits..];
        if let Some(c) = rest.chars().next() {
            separators.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some((numbers, separators))
}

impl JoinMonth {
    /// Checks the year and month only; `parse_on` also refuses the future.
    pub fn new(year: i32, month: u32) -> Result<Self, JoinMonthError> {
        if !(1..=12).contains(&month) {
            return Err(JoinMonthError::BadMonth(month));
        }
        if year < FIRST_YEAR {
            return Err(JoinMonthError::TooEarly(year));
        }
        Ok(Self { year, month })
    }

    /// Accepts `2019-05`, `2019-5`, `2019/5`, `2019.05`, `2019年5月`, `201905`, full-width
    /// digits and stray spaces. A full date (`2019-05-12`, `2019年5月12日`, `20190512`, with or
    /// without a time) is taken as its month, since Excel turns month cells into dates. The
    /// month must not be later than `today`'s.
    pub fn parse_on(input: &str, today: NaiveDate) -> Result<Self, JoinMonthError> {
        let month = Self::parse_format(input)?;
        if month > Self::of_date(today) {
            return Err(JoinMonthError::Future { month });
        }
        Ok(month)
    }

    fn parse_format(input: &str) -> Result<Self, JoinMonthError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(JoinMonthError::Empty);
        }
        let bad = || JoinMonthError::BadFormat(crate::member_fault::shorten(input));
        let (numbers, seps) = tokens(&s).ok_or_else(bad)?;
        let num = |t: &str| t.parse::<u32>().map_err(|_| bad());
        let (year, month, day) = match (numbers.as_slice(), seps.as_slice()) {
            ([ym], []) if ym.len() == 6 => (&ym[..4], num(&ym[4..])?, None),
            ([ymd], []) if ymd.len() == 8 => (&ymd[..4], num(&ymd[4..6])?, Some(num(&ymd[6..])?)),
            ([y, m], ['-' | '/' | '.' | '年']) => (*y, num(m)?, None),
            ([y, m], ['年', '月']) => (*y, num(m)?, None),
            ([y, m, d], [a, b]) if a == b && matches!(a, '-' | '/' | '.') => {
                (*y, num(m)?, Some(num(d)?))
            }
            ([y, m, d], ['年', '月'] | ['年', '月', '日']) => (*y, num(m)?, Some(num(d)?)),
            _ => return Err(bad()),
        };
        if year.len() != 4 || numbers.get(1).is_some_and(|m| m.len() > 2) {
            return Err(bad());
        }
        if numbers.get(2).is_some_and(|d| d.len() > 2) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let result = Self::new(year, month)?;
        if let Some(day) = day
            && NaiveDate::from_ymd_opt(year, month, day).is_none()
        {
            return Err(JoinMonthError::BadDay(crate::member_fault::shorten(input)));
        }
        Ok(result)
    }

    /// The month a date falls in.
    pub fn of_date(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month: the day the age rule judges (see `entry_rules`).
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("month checked at parse")
    }

    /// Refuses a month wholly before the birth date. Joining in the birth month itself is left
    /// to the age rule, which refuses it with a clearer reason.
    pub fn check_after_birth(self, birth: NaiveDate) -> Result<(), JoinMonthError> {
        if self < Self::of_date(birth) {
            Err(JoinMonthError::BeforeBirth { month: self, birth })
        } else {
            Ok(())
        }
    }

    /// `2019年5月`, for messages.
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

/// `YYYY-MM`, the stored form.
impl fmt::Display for JoinMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn parse(s: &str) -> Result<JoinMonth, JoinMonthError> {
        JoinMonth::parse_on(s, today())
    }

    fn ym(y: i32, m: u32) -> JoinMonth {
        JoinMonth::new(y, m).unwrap()
    }

    #[test]
    fn accepts_the_usual_ways_of_writing_a_month() {
        for s in [
            "2019-05",
            "2019-5",
            "2019/5",
            "2019/05",
            "2019.05",
            "2019.5",
            "2019年5月",
            "2019年05月",
            "2019年5",
            "201905",
            "２０１９－０５",
            "２０１９年５月",
            " 2019 - 05 ",
            "2019\u{3000}年 5 月",
            "2019-05-12",
            "2019/5/1",
            "2019.05.31",
            "2019年5月12日",
            "2019年5月12",
            "20190512",
            "2019-05-01 00:00:00",
            "2019-05-01T00:00:00",
        ] {
            assert_eq!(parse(s), Ok(ym(2019, 5)), "{s}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for s in [
            "19-05",
            "2019",
            "2019-",
            "-05",
            "2019-05-",
            "05/2019",
            "2019-005",
            "2019_05",
            "2019-5/1",
            "2019年5月1号",
            "abc",
            "2019年5月份",
            "20195",
            "1905",
            "2019-05-123",
            "43586",
        ] {
            assert!(
                matches!(parse(s), Err(JoinMonthError::BadFormat(_))),
                "{s}: {:?}",
                parse(s)
            );
        }
        assert_eq!(parse(""), Err(JoinMonthError::Empty));
        assert_eq!(parse("  \u{3000}"), Err(JoinMonthError::Empty));
        assert_eq!(parse("2019-13"), Err(JoinMonthError::BadMonth(13)));
        assert_eq!(parse("2019-00"), Err(JoinMonthError::BadMonth(0)));
        assert_eq!(parse("201900"), Err(JoinMonthError::BadMonth(0)));
        assert!(matches!(
            parse("2019-02-30"),
            Err(JoinMonthError::BadDay(_))
        ));
        assert_eq!(parse("1921-12"), Err(JoinMonthError::TooEarly(1921)));
        assert_eq!(parse("1922-01"), Ok(ym(1922, 1)));
        for e in [parse("abc").unwrap_err(), parse("2019-13").unwrap_err()] {
            assert_eq!(e.code(), "join_date_invalid");
        }
        assert_eq!(JoinMonthError::Empty.code(), "required_missing");
    }

    #[test]
    fn not_in_the_future() {
        assert_eq!(parse("2026-11"), Ok(ym(2026, 11)));
        assert_eq!(
            parse("2026-12"),
            Err(JoinMonthError::Future {
                month: ym(2026, 12)
            })
        );
        assert!(
            parse("2026-12")
                .unwrap_err()
                .to_string()
                .contains("2026-12")
        );
    }

    #[test]
    fn not_before_birth() {
        let birth = NaiveDate::from_ymd_opt(2010, 6, 15).unwrap();
        assert!(ym(2010, 6).check_after_birth(birth).is_ok());
        let e = ym(2010, 5).check_after_birth(birth).unwrap_err();
        assert_eq!(e.code(), "join_date_invalid");
        assert!(e.to_string().contains("2010-06-15"));
    }

    #[test]
    fn shows_and_orders() {
        assert_eq!(ym(2019, 5).to_string(), "2019-05");
        assert_eq!(ym(2019, 5).label(), "2019年5月");
        assert_eq!(
            ym(2019, 5).first_day(),
            NaiveDate::from_ymd_opt(2019, 5, 1).unwrap()
        );
        assert!(ym(2016, 12) < ym(2017, 1));
    }

    proptest! {
        #[test]
        fn display_round_trips(y in 1922i32..=2026, m in 1u32..=12) {
            let month = ym(y, m);
            prop_assume!(month <= JoinMonth::of_date(today()));
            prop_assert_eq!(parse(&month.to_string()), Ok(month));
            prop_assert_eq!(parse(&month.label()), Ok(month));
            prop_assert_eq!(parse(&format!("{y}{m:02}")), Ok(month));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse(&s);
        }
    }
}
