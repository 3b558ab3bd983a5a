//! 团费 (domain reference §7.7): what a member owes a month, as integer fen (分) — money is
//! never a floating-point number here — from the member's 职业 and declared monthly income under
//! the bands of the member's province (`DuesBands`, starting from the national defaults), and
//! how many months a member is behind.
//!
//! National defaults: a salary below 2000 元 → 3 元 a month; 2000 元 and more → 2‰ of the
//! salary, rounded down to the fen, at most 20 元; students 0.2 元; farmers 0.5 元.

use std::fmt;

use crate::enums::Occupation;
use crate::error_code::ErrorCode;

/// An amount of money in fen (1 元 = 100 fen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

/// Why an amount of money cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{what}“{given}”不是金额，请填写如 3500 或 3500.50 的数字（单位：元，最多两位小数）")]
    Format { what: &'static str, given: String },
    #[error("{what}不能是负数")]
    Negative { what: &'static str },
    #[error("{what}太大，请核对（最多 {max} 元）")]
    TooLarge { what: &'static str, max: i64 },
}

impl MoneyError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::AmountInvalid
    }
}

/// The largest amount accepted as a monthly income: ten million 元.
pub const MAX_YUAN: i64 = 10_000_000;

impl Fen {
    /// Parses 元 as typed (`3500`, `3500.5`, `3,500.50`, `¥3500`), exactly: at most two
    /// decimals, never through a float.
    pub fn parse_yuan(input: &str, what: &'static str) -> Result<Fen, MoneyError> {
        let t: String = input
            .trim()
            .trim_start_matches(['¥', '￥'])
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
            .collect();
        let bad = || MoneyError::Format {
            what,
            given: input.chars().take(30).collect(),
        };
        if t.starts_with('-') {
            return Err(MoneyError::Negative { what });
        }
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        if int.is_empty()
            || int.len() > 12
            || !int.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let yuan: i64 = int.parse().map_err(|_| bad())?;
        if yuan > MAX_YUAN {
            return Err(MoneyError::TooLarge {
                what,
                max: MAX_YUAN,
            });
        }
        let fen = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse::<i64>().map_err(|_| bad())?,
        };
        Ok(Fen(yuan * 100 + fen))
    }

    pub fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    /// Parses an optional amount: empty is `None`.
    pub fn parse_optional(input: &str, what: &'static str) -> Result<Option<Fen>, MoneyError> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Fen::parse_yuan(input, what).map(Some)
        }
    }
}

impl fmt::Display for Fen {
    /// As 元 with two decimals: `3.00`, `0.20`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

/// On the wire as 元 with two decimals (`"3.00"`): exact, never a float.
impl serde::Serialize for Fen {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A province's bands (configurable by its committee's admin), national defaults by `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuesBands {
    /// Incomes below this pay `below_threshold`.
    pub threshold: Fen,
    pub below_threshold: Fen,
    /// From the threshold: this many thousandths of the income, rounded down to the fen…
    pub rate_permille: i64,
    /// …at most this much.
    pub cap: Fen,
    pub student: Fen,
    pub farmer: Fen,
}

impl Default for DuesBands {
    fn default() -> Self {
        Self {
            threshold: Fen::yuan(2000),
            below_threshold: Fen::yuan(3),
            rate_permille: 2,
            cap: Fen::yuan(20),
            student: Fen(20),
            farmer: Fen(50),
        }
    }
}

/// A province's bands as typed on its page or sent to the API, every amount in 元.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct BandsInput {
    pub threshold: String,
    pub below_threshold: String,
    pub rate_permille: String,
    pub cap: String,
    pub student: String,
    pub farmer: String,
}

/// One fault of a bands form: the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandsFault {
    pub field: &'static str,
    pub message: String,
}

/// The largest monthly due a band may set: 1000 元.
pub const MAX_DUE: Fen = Fen(100_000);

impl BandsInput {
    pub fn from_bands(b: &DuesBands) -> Self {
        Self {
            threshold: b.threshold.to_string(),
            below_threshold: b.below_threshold.to_string(),
            rate_permille: b.rate_permille.to_string(),
            cap: b.cap.to_string(),
            student: b.student.to_string(),
            farmer: b.farmer.to_string(),
        }
    }

    /// The bands, or every fault at once.
    pub fn parse(&self) -> Result<DuesBands, Vec<BandsFault>> {
        let mut faults = Vec::new();
        let mut amount =
            |field: &'static str, what: &'static str, v: &str, max: Fen| match Fen::parse_yuan(
                v, what,
            ) {
                Ok(f) if f > max => {
                    faults.push(BandsFault {
                        field,
                        message: format!("{what}不能超过 {max} 元"),
                    });
                    Fen(0)
                }
                Ok(f) => f,
                Err(e) => {
                    faults.push(BandsFault {
                        field,
                        message: e.to_string(),
                    });
                    Fen(0)
                }
            };
        let threshold = amount(
            "threshold",
            "起征月收入",
            &self.threshold,
            Fen::yuan(MAX_YUAN),
        );
        let below_threshold = amount(
            "below_threshold",
            "起征以下每月",
            &self.below_threshold,
            MAX_DUE,
        );
        let cap = amount("cap", "每月最高", &self.cap, MAX_DUE);
        let student = amount("student", "学生每月", &self.student, MAX_DUE);
        let farmer = amount("farmer", "农民每月", &self.farmer, MAX_DUE);
        let rate = self.rate_permille.trim().trim_end_matches('‰');
        let rate_permille = match rate.parse::<i64>() {
            Ok(r) if (0..=100).contains(&r) => r,
            _ => {
                faults.push(BandsFault {
                    field: "rate_permille",
                    message: format!(
                        "比例“{}”不对，请填写 0 到 100 之间的整数（千分之几）",
                        self.rate_permille.chars().take(20).collect::<String>()
                    ),
                });
                0
            }
        };
        if faults.is_empty() && threshold == Fen(0) {
            faults.push(BandsFault {
                field: "threshold",
                message: "起征月收入必须大于 0 元".into(),
            });
        }
        if faults.is_empty() {
            Ok(DuesBands {
                threshold,
                below_threshold,
                rate_permille,
                cap,
                student,
                farmer,
            })
        } else {
            Err(faults)
        }
    }
}

/// What the member owes a month. Students and farmers pay their fixed amounts whatever the
/// income; others by their declared monthly income (none declared: the lowest band).
pub fn monthly_due(bands: &DuesBands, occupation: Option<Occupation>, income: Option<Fen>) -> Fen {
    match occupation {
        Some(Occupation::Student) => return bands.student,
        Some(Occupation::Farmer) => return bands.farmer,
        _ => {}
    }
    match income {
        Some(i) if i >= bands.threshold => {
            // Integer arithmetic: fen × permille / 1000, rounded down.
            Fen((i.0 * bands.rate_permille / 1000).min(bands.cap.0))
        }
        _ => bands.below_threshold,
    }
}

/// A calendar month, `YYYY-MM`, ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

/// Why a month cannot be read or is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    #[error("月份“{0}”不对，请填写如 2026-11 的年月")]
    Format(String),
    #[error("{0}还没有到，不能记录团费")]
    Future(String),
    #[error("{0}太早了，只能记录 {FIRST_YEAR} 年以后的团费")]
    TooEarly(String),
}

impl MonthError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::DuesMonthInvalid
    }
}

/// Dues are recorded from this year on.
pub const FIRST_YEAR: i32 = 2000;

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// Reads `2026-11`, `2026-1`, `2026/11`, `2026年11月` or `202611`, a month not after
    /// `current` and not before `FIRST_YEAR`.
    pub fn parse(input: &str, current: Month) -> Result<Month, MonthError> {
        let t = input.trim();
        let bad = || MonthError::Format(t.chars().take(20).collect());
        let digits: Vec<&str> = t
            .trim_end_matches('月')
            .split(['-', '/', '.', '年'])
            .collect();
        let (y, m) = match digits.as_slice() {
            [ym] if ym.len() == 6 => (&ym[..4], &ym[4..]),
            [y, m] => (*y, *m),
            _ => return Err(bad()),
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let parsed = Month::new(year, month).ok_or_else(bad)?;
        if parsed > current {
            return Err(MonthError::Future(parsed.label()));
        }
        if year < FIRST_YEAR {
            return Err(MonthError::TooEarly(parsed.label()));
        }
        Ok(parsed)
    }

    /// The month of a day.
    pub fn of(day: chrono::NaiveDate) -> Month {
        use chrono::Datelike;
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Months since year 0, as stored (`year × 12 + month − 1`): consecutive months are
    /// consecutive numbers, so ranges and differences are integer arithmetic.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    pub fn from_index(i: i64) -> Option<Month> {
        let year = i32::try_from(i.div_euclid(12)).ok()?;
        Month::new(year, (i.rem_euclid(12) + 1) as u32)
    }

    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// As people write it: `2026年11月`.
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Months from `self` to `later`, both counted (`None` when `later` is earlier).
    pub fn months_to(self, later: Month) -> Option<u32> {
        let a = self.year * 12 + self.month as i32;
        let b = later.year * 12 + later.month as i32;
        (b >= a).then(|| (b - a + 1) as u32)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Members this many months or more behind are listed as candidates for 自行脱团.
pub const LAPSE_AFTER_UNPAID_MONTHS: u32 = 6;

/// A member's dues standing, from their records: the first month recorded for them (paid or
/// not: they owe from then on) and the last month paid in full. Months without a record count
/// as unpaid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub since: Month,
    pub last_paid: Option<Month>,
}

impl Standing {
    /// The last month that does not count against the member: the last paid in full, or the
    /// month before the first record.
    fn settled_through(self) -> i64 {
        match self.last_paid {
            Some(m) => m.index(),
            None => self.since.index() - 1,
        }
    }

    /// Months unpaid in a row through `as_of` (the same count as `months_behind`).
    pub fn behind(self, as_of: Month) -> u32 {
        (as_of.index() - self.settled_through()).max(0) as u32
    }

    /// The month at whose end the member has been `LAPSE_AFTER_UNPAID_MONTHS` behind, as an
    /// index: the member is a 自行脱团 candidate once the last complete month reaches it. Stored,
    /// so the arrears list of a province is one range read.
    pub fn lapse_index(self) -> i64 {
        self.settled_through() + i64::from(LAPSE_AFTER_UNPAID_MONTHS)
    }
}

/// The month arrears are counted through on `today`: the last complete month (the current
/// month can still be paid).
pub fn arrears_as_of(today: chrono::NaiveDate) -> Month {
    Month::of(today).prev()
}

/// The unpaid months up to and including `through` since the member owed dues (`since`, the
/// month of joining or of the first record), `paid` the months paid in full. Counted across
/// year boundaries.
pub fn unpaid_months(since: Month, through: Month, paid: &[Month]) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = since;
    while m <= through {
        if !paid.contains(&m) {
            out.push(m);
        }
        m = m.next();
    }
    out
}

/// The months unpaid in a row up to `through` (the arrears 自行脱团 counts).
pub fn months_behind(since: Month, through: Month, paid: &[Month]) -> u32 {
    let mut n = 0;
    let mut m = through;
    while m >= since && !paid.contains(&m) {
        n += 1;
        m = if m.month == 1 {
            Month {
                year: m.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: m.year,
                month: m.month - 1,
            }
        };
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(income: &str) -> Fen {
        monthly_due(
            &DuesBands::default(),
            Some(Occupation::Enterprise),
            Some(Fen::parse_yuan(income, "月收入").unwrap()),
        )
    }

    #[test]
    fn dues_at_each_band_edge() {
        assert_eq!(due("1999.99"), Fen::yuan(3));
        assert_eq!(due("2000"), Fen::yuan(4));
        assert_eq!(due("3750"), Fen(750));
        assert_eq!(
            due("3333.33"),
            Fen(666),
            "2‰ of 333333 fen is 666.666: down to 666"
        );
        assert_eq!(due("10000"), Fen::yuan(20));
        assert_eq!(due("10001"), Fen::yuan(20));
        assert_eq!(due("0"), Fen::yuan(3));
        let b = DuesBands::default();
        assert_eq!(
            monthly_due(&b, Some(Occupation::Student), Some(Fen::yuan(9000))),
            Fen(20)
        );
        assert_eq!(monthly_due(&b, Some(Occupation::Farmer), None), Fen(50));
        assert_eq!(monthly_due(&b, None, None), Fen::yuan(3));
        assert_eq!(Fen(20).to_string(), "0.20");
        assert_eq!(Fen::yuan(20).to_string(), "20.00");
    }

    #[test]
    fn money_is_read_exactly() {
        assert_eq!(Fen::parse_yuan("1999.99", "x").unwrap(), Fen(199_999));
        assert_eq!(Fen::parse_yuan("¥3,500.5", "x").unwrap(), Fen(350_050));
        assert_eq!(Fen::parse_yuan("0.1", "x").unwrap(), Fen(10));
        for bad in ["", "abc", "1.234", "1e3", ".5", "3 500.5.1"] {
            assert!(Fen::parse_yuan(bad, "月收入").is_err(), "{bad}");
        }
        let e = Fen::parse_yuan("三千", "月收入").unwrap_err();
        assert_eq!(e.code().as_str(), "amount_invalid");
        assert!(e.to_string().contains("月收入“三千”不是金额"), "{e}");
        assert!(matches!(
            Fen::parse_yuan("-5", "月收入"),
            Err(MoneyError::Negative { .. })
        ));
        assert!(matches!(
            Fen::parse_yuan("10000001", "月收入"),
            Err(MoneyError::TooLarge { .. })
        ));
    }

    #[test]
    fn months_are_read_and_numbered() {
        let now = Month::new(2026, 12).unwrap();
        for ok in [
            "2026-11",
            "2026-1",
            "2026/11",
            "2026年11月",
            "202611",
            " 2026.11 ",
        ] {
            assert!(Month::parse(ok, now).is_ok(), "{ok}");
        }
        assert_eq!(
            Month::parse("2026年1月", now).unwrap(),
            Month::new(2026, 1).unwrap()
        );
        for bad in [
            "",
            "2026",
            "2026-13",
            "26-11",
            "2026-0",
            "abc",
            "2026-11-01",
        ] {
            assert!(
                matches!(Month::parse(bad, now), Err(MonthError::Format(_))),
                "{bad}"
            );
        }
        let e = Month::parse("2027-01", now).unwrap_err();
        assert_eq!(e.to_string(), "2027年1月还没有到，不能记录团费");
        assert_eq!(e.code().as_str(), "dues_month_invalid");
        assert!(matches!(
            Month::parse("1999-12", now),
            Err(MonthError::TooEarly(_))
        ));
        let m = Month::new(2025, 12).unwrap();
        assert_eq!(m.index() + 1, Month::new(2026, 1).unwrap().index());
        assert_eq!(Month::from_index(m.index()), Some(m));
        assert_eq!(Month::new(2026, 1).unwrap().prev(), m);
        assert_eq!(
            arrears_as_of(chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()),
            m
        );
    }

    #[test]
    fn standing_counts_what_months_behind_counts() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        let paid_july = Standing {
            since: m(2025, 1),
            last_paid: Some(m(2025, 7)),
        };
        // August 2025 to January 2026: six months, across the year boundary.
        assert_eq!(paid_july.behind(m(2026, 1)), 6);
        assert_eq!(paid_july.behind(m(2025, 12)), 5);
        assert_eq!(paid_july.lapse_index(), m(2026, 1).index());
        assert_eq!(
            paid_july.behind(m(2026, 1)),
            months_behind(m(2025, 1), m(2026, 1), &[m(2025, 6), m(2025, 7)])
        );
        let never_paid = Standing {
            since: m(2025, 11),
            last_paid: None,
        };
        assert_eq!(never_paid.behind(m(2026, 1)), 3);
        assert_eq!(never_paid.behind(m(2025, 10)), 0);
        assert_eq!(never_paid.lapse_index(), m(2026, 4).index());
    }

    #[test]
    fn bands_are_read_whole() {
        let defaults = BandsInput::from_bands(&DuesBands::default());
        assert_eq!(defaults.parse().unwrap(), DuesBands::default());
        let mut bad = defaults.clone();
        bad.cap = "两元".into();
        bad.rate_permille = "101".into();
        bad.student = "1001".into();
        let faults = bad.parse().unwrap_err();
        let fields: Vec<_> = faults.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["cap", "student", "rate_permille"]);
        assert!(
            faults[1].message.contains("学生每月不能超过 1000.00 元"),
            "{faults:?}"
        );
        let mut zero = defaults;
        zero.threshold = "0".into();
        assert_eq!(zero.parse().unwrap_err()[0].field, "threshold");
    }

    #[test]
    fn arrears_are_counted_across_the_year_boundary() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        let paid = [m(2025, 6), m(2025, 7)];
        // August 2025 to January 2026: six months in a row.
        assert_eq!(months_behind(m(2025, 1), m(2026, 1), &paid), 6);
        assert_eq!(
            unpaid_months(m(2025, 6), m(2026, 1), &paid),
            vec![
                m(2025, 8),
                m(2025, 9),
                m(2025, 10),
                m(2025, 11),
                m(2025, 12),
                m(2026, 1)
            ]
        );
        assert_eq!(months_behind(m(2025, 12), m(2026, 1), &[m(2026, 1)]), 0);
        // Never before the member owed anything.
        assert_eq!(months_behind(m(2025, 11), m(2026, 1), &[]), 3);
        assert_eq!(m(2025, 11).months_to(m(2026, 2)), Some(4));
        assert_eq!(m(2026, 2).months_to(m(2025, 11)), None);
        assert!(Month::new(2026, 13).is_none());
    }
}
