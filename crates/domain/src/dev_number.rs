//! 发展团员编号: the 12-digit development number a member receives on joining. The first four
//! digits are the join year; what the other eight mean differs between provinces (4 + 2 + 6
//! or 4 + 4 + 4 are both reported), so only the year is interpreted here.

use crate::error_code::ErrorCode;
use std::fmt;

use crate::join_month::JoinMonth;

pub const DEV_NUMBER_LEN: usize = 12;

/// Numbers are required for members who joined from this year on …
pub const NUMBERED_FROM: i32 = 2017;
/// … and in 新疆 (the autonomous region and the 兵团) from this year.
pub const XINJIANG_NUMBERED_FROM: i32 = 2016;
/// The first two years of numbering use each other's numbers (see `accepted_years`).
pub const INTERCHANGEABLE_YEARS: [i32; 2] = [NUMBERED_FROM, NUMBERED_FROM + 1];

/// Who must have a number, as messages state it: 「2017年1月1日及以后入团的团员」.
pub fn required_from(is_xinjiang: bool) -> String {
    if is_xinjiang {
        format!("新疆地区{XINJIANG_NUMBERED_FROM}年1月1日及以后入团的团员")
    } else {
        format!("{NUMBERED_FROM}年1月1日及以后入团的团员")
    }
}

/// The whole rule, for messages and hints that do not know the region: 「2017年1月1日及以后入团的团员（新疆地区2016年起）」.
pub fn required_rule() -> String {
    format!("{NUMBERED_FROM}年1月1日及以后入团的团员（新疆地区{XINJIANG_NUMBERED_FROM}年起）")
}

/// Twelve ASCII digits. Holding one proves only the form; the year and the number range are
/// checked against a join month by `check_year` and the range functions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DevNumber(String);

/// Faults of the number itself, each one of the real system's four kinds (the fifth,
/// 被占用, needs the database and is `MemberFault::dev_number_taken`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DevNumberError {
    #[error("发展团员编号为空")]
    Empty,
    #[error(
        "发展团员编号填写有误（格式不对）：只能由{DEV_NUMBER_LEN}位数字组成，不能含字母、符号或小数点{hint}"
    )]
    BadFormat { hint: &'static str },
    #[error("发展团员编号位数不对：应为{DEV_NUMBER_LEN}位数字，现在是{0}位")]
    BadLength(usize),
    #[error(
        "发展团员编号前四位 {found} 与入团年份不一致：{join_year}年入团的编号应以{expected}开头"
    )]
    YearMismatch {
        found: String,
        join_year: i32,
        expected: String,
    },
}

impl DevNumberError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DevNumberError::Empty => ErrorCode::DevNumberRequired,
            DevNumberError::BadFormat { .. } => ErrorCode::DevNumberBadFormat,
            DevNumberError::BadLength(_) => ErrorCode::DevNumberBadLength,
            DevNumberError::YearMismatch { .. } => ErrorCode::DevNumberYearMismatch,
        }
    }
}

/// Whether a member who joined in `join` must have a development number.
pub fn dev_number_required(join: JoinMonth, is_xinjiang: bool) -> bool {
    let from = if is_xinjiang {
        XINJIANG_NUMBERED_FROM
    } else {
        NUMBERED_FROM
    };
    join.year() >= from
}

/// The year prefixes a number may carry for a join year. Public client code of the real
/// system treats 2017 and 2018 as interchangeable for those two years (numbers handed out
/// for one were used in the other when the rule began).
pub fn accepted_years(join_year: i32) -> Vec<i32> {
    if INTERCHANGEABLE_YEARS.contains(&join_year) {
        INTERCHANGEABLE_YEARS.to_vec()
    } else {
        vec![join_year]
    }
}

/// Whether a number starting with `prefix_year` fits a member who joined in `join_year`.
pub fn year_accepted(join_year: i32, prefix_year: i32) -> bool {
    prefix_year == join_year
        || (INTERCHANGEABLE_YEARS.contains(&join_year)
            && INTERCHANGEABLE_YEARS.contains(&prefix_year))
}

fn year_label(join_year: i32) -> String {
    accepted_years(join_year)
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join("或")
}

impl DevNumber {
    /// Full-width digits become ASCII and spaces are dropped (people group digits); anything
    /// else that is not a digit is a format fault, length comes second.
    pub fn parse(input: &str) -> Result<Self, DevNumberError> {
        let normalized: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                other => other,
            })
            .collect();
        if normalized.is_empty() {
            return Err(DevNumberError::Empty);
        }
        if !normalized.bytes().all(|b| b.is_ascii_digit()) {
            // Excel shows long numbers as 2.01913E+11 unless the cell is text.
            let hint = if normalized.to_ascii_uppercase().contains("E+") {
                "。Excel 中显示为科学计数法时，请先把单元格设为“文本”格式再填写"
            } else {
                ""
            };
            return Err(DevNumberError::BadFormat { hint });
        }
        if normalized.len() != DEV_NUMBER_LEN {
            return Err(DevNumberError::BadLength(normalized.len()));
        }
        Ok(Self(normalized))
    }

    /// Builds a number from its value; panics above `DEV_NUMBER_LEN` digits, which is a
    /// programming error.
    pub fn from_value(value: u64) -> Self {
        assert!(
            value < 10u64.pow(DEV_NUMBER_LEN as u32),
            "a development number has {DEV_NUMBER_LEN} digits"
        );
        Self(format!("{value:0DEV_NUMBER_LEN$}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn value(&self) -> u64 {
        self.0.parse().expect("12 digits checked at parse")
    }

    /// The first four digits.
    pub fn year(&self) -> i32 {
        self.0[..4].parse().expect("digits checked at parse")
    }

    /// The first four digits must be the join year (`INTERCHANGEABLE_YEARS` interchangeable).
    pub fn check_year(&self, join: JoinMonth) -> Result<(), DevNumberError> {
        if year_accepted(join.year(), self.year()) {
            Ok(())
        } else {
            Err(DevNumberError::YearMismatch {
                found: self.0[..4].to_string(),
                join_year: join.year(),
                expected: year_label(join.year()),
            })
        }
    }
}

impl fmt::Display for DevNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> JoinMonth {
        JoinMonth::new(y, m).unwrap()
    }

    #[test]
    fn parses_twelve_digits() {
        let n = DevNumber::parse(" 2019 1300 0001 ").unwrap();
        assert_eq!(n.as_str(), "201913000001");
        assert_eq!(n.year(), 2019);
        assert_eq!(n.value(), 201_913_000_001);
        assert_eq!(DevNumber::parse("２０１９１３０００００１").unwrap(), n);
        assert_eq!(DevNumber::from_value(201_913_000_001), n);
        assert_eq!(DevNumber::from_value(1).as_str(), "000000000001");
    }

    #[test]
    fn format_comes_before_length() {
        for s in [
            "2019-13-000001",
            "20191300000A",
            "2.01913E+11",
            "201913000001.0",
            "abc",
        ] {
            let e = DevNumber::parse(s).unwrap_err();
            assert_eq!(e.code(), "dev_number_bad_format", "{s}");
        }
        assert!(
            DevNumber::parse("2.01913E+11")
                .unwrap_err()
                .to_string()
                .contains("文本")
        );
        assert_eq!(
            DevNumber::parse("20191300001"),
            Err(DevNumberError::BadLength(11))
        );
        assert_eq!(
            DevNumber::parse("2019130000011"),
            Err(DevNumberError::BadLength(13))
        );
        assert_eq!(
            DevNumber::parse("2019130000011").unwrap_err().code(),
            "dev_number_bad_length"
        );
        assert_eq!(DevNumber::parse("  "), Err(DevNumberError::Empty));
    }

    #[test]
    fn year_must_match_with_2017_and_2018_interchangeable() {
        let n = |s: &str| DevNumber::parse(s).unwrap();
        assert!(n("201913000001").check_year(ym(2019, 5)).is_ok());
        let e = n("201813000001").check_year(ym(2019, 5)).unwrap_err();
        assert_eq!(e.code(), "dev_number_year_mismatch");
        assert!(e.to_string().contains("2018") && e.to_string().contains("2019"));
        assert!(n("201713000001").check_year(ym(2018, 3)).is_ok());
        assert!(n("201813000001").check_year(ym(2017, 3)).is_ok());
        assert!(n("201913000001").check_year(ym(2018, 3)).is_err());
        assert!(n("201613000001").check_year(ym(2017, 3)).is_err());
        assert!(n("201613000001").check_year(ym(2016, 3)).is_ok());
        assert!(n("201713000001").check_year(ym(2016, 3)).is_err());
        assert!(
            n("201913000001")
                .check_year(ym(2018, 1))
                .unwrap_err()
                .to_string()
                .contains("2017或2018")
        );
    }

    #[test]
    fn the_rule_as_stated() {
        assert_eq!(required_from(false), "2017年1月1日及以后入团的团员");
        assert_eq!(required_from(true), "新疆地区2016年1月1日及以后入团的团员");
        assert_eq!(
            required_rule(),
            "2017年1月1日及以后入团的团员（新疆地区2016年起）"
        );
        assert_eq!(
            DevNumberError::BadLength(11).to_string(),
            "发展团员编号位数不对：应为12位数字，现在是11位"
        );
        assert!(
            DevNumberError::BadFormat { hint: "" }
                .to_string()
                .contains("只能由12位数字组成")
        );
    }

    #[test]
    fn required_from_2017_and_in_xinjiang_from_2016() {
        assert!(!dev_number_required(ym(2016, 12), false));
        assert!(dev_number_required(ym(2017, 1), false));
        assert!(dev_number_required(ym(2016, 1), true));
        assert!(!dev_number_required(ym(2015, 12), true));
    }

    #[test]
    fn accepted_years_table() {
        assert_eq!(accepted_years(2017), [2017, 2018]);
        assert_eq!(accepted_years(2018), [2017, 2018]);
        assert_eq!(accepted_years(2016), [2016]);
        assert_eq!(accepted_years(2019), [2019]);
        for join in 2000..2030 {
            for prefix in 2000..2030 {
                assert_eq!(
                    year_accepted(join, prefix),
                    accepted_years(join).contains(&prefix)
                );
            }
        }
    }
}
