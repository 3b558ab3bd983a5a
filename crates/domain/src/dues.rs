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
}

impl fmt::Display for Fen {
    /// As 元 with two decimals: `3.00`, `0.20`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
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

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
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
