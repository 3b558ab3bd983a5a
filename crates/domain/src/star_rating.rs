//! 对标定级 (domain reference §7.6): which branches a year's round rates, and the stars a total
//! score gives. Secondary sources: the bands are configurable (`StarBands`), national defaults
//! by `Default` (≥ 90 five stars, 80–89 four, 70–79 three, 60–69 two, below 60 not rated).

pub mod round;
pub mod standard;

use chrono::{Months, NaiveDate};

/// A branch must be at least this many months old on the round's day.
pub const MIN_AGE_MONTHS: u32 = 6;

/// What kind of branch it is, for eligibility: 流动团员团支部 and (学社衔接) 临时团支部 are not
/// rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchNature {
    Regular,
    Floating,
    Temporary,
}

impl BranchNature {
    /// From the branch's full name, as the real system names them.
    pub fn of_name(full_name: &str) -> Self {
        if full_name.contains("流动团员") || full_name.contains("流动团支部") {
            BranchNature::Floating
        } else if full_name.contains("临时团支部") {
            BranchNature::Temporary
        } else {
            BranchNature::Regular
        }
    }
}

/// Why a branch is not rated this round, or `None` when it is.
pub fn ineligible(
    nature: BranchNature,
    created: NaiveDate,
    day: NaiveDate,
) -> Option<&'static str> {
    match nature {
        BranchNature::Floating => return Some("流动团员团支部不参加对标定级"),
        BranchNature::Temporary => return Some("临时团支部不参加对标定级"),
        BranchNature::Regular => {}
    }
    let old_enough = created
        .checked_add_months(Months::new(MIN_AGE_MONTHS))
        .is_some_and(|d| d <= day);
    (!old_enough).then_some("成立不满6个月的团支部不参加本年度对标定级")
}

/// The lowest total of each star count, highest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarBands(pub Vec<(u8, u32)>);

impl Default for StarBands {
    fn default() -> Self {
        Self(vec![(5, 90), (4, 80), (3, 70), (2, 60)])
    }
}

impl StarBands {
    /// The stars a total gives; `None`: not rated (below the lowest band).
    pub fn stars(&self, total: u32) -> Option<u8> {
        self.0
            .iter()
            .find(|(_, floor)| total >= *floor)
            .map(|(stars, _)| *stars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn eligible_at_exactly_six_months() {
        let created = d(2026, 4, 30);
        assert_eq!(
            ineligible(BranchNature::Regular, created, d(2026, 10, 29)),
            Some("成立不满6个月的团支部不参加本年度对标定级")
        );
        assert_eq!(
            ineligible(BranchNature::Regular, created, d(2026, 10, 30)),
            None
        );
        assert!(ineligible(BranchNature::Floating, d(2020, 1, 1), d(2026, 10, 30)).is_some());
        assert_eq!(
            BranchNature::of_name("某街道流动团员团支部"),
            BranchNature::Floating
        );
        assert_eq!(
            BranchNature::of_name("某镇学社衔接临时团支部"),
            BranchNature::Temporary
        );
        assert_eq!(
            BranchNature::of_name("高一1班团支部"),
            BranchNature::Regular
        );
    }

    #[test]
    fn stars_follow_the_total() {
        let b = StarBands::default();
        for (total, want) in [
            (100, Some(5)),
            (90, Some(5)),
            (89, Some(4)),
            (80, Some(4)),
            (79, Some(3)),
            (70, Some(3)),
            (69, Some(2)),
            (60, Some(2)),
            (59, None),
            (0, None),
        ] {
            assert_eq!(b.stars(total), want, "{total}");
        }
    }
}
