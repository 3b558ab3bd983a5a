//! 号段: ranges of development numbers. A provincial committee allocates ranges per year to
//! the organisations below it, and each may sub-allocate parts of its own ranges further down.
//! Everything here is a pure function over ranges the store has loaded.

use crate::error_code::ErrorCode;
use std::fmt;

use crate::dev_number::{DevNumber, DevNumberError, accepted_years};

/// A non-empty run of development numbers of one year: `start ≤ end`, both starting with
/// the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DevRange {
    year: i32,
    start: u64,
    end: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DevRangeError {
    #[error("号段应写成“起始编号-终止编号”，如 201913000001-201913000500，现在是“{0}”")]
    BadFormat(String),
    #[error("号段{which}不正确：{source}")]
    BadNumber {
        which: &'static str,
        source: DevNumberError,
    },
    #[error("号段年份 {0} 不正确，应为四位年份")]
    BadYear(i32),
    #[error("号段{which} {number} 应以年份 {year} 开头")]
    YearMismatch {
        which: &'static str,
        number: String,
        year: i32,
    },
    #[error("号段起始编号 {start} 大于终止编号 {end}")]
    Reversed { start: String, end: String },
    #[error("上级组织没有{0}年的号段，不能向下分配{0}年的号段")]
    ParentHasNone(i32),
    #[error("号段 {range} 超出上级组织{year}年的号段（{parent}），只能在上级号段内分配", year = .range.year())]
    OutsideParent { range: DevRange, parent: String },
    #[error("号段 {range} 与已分配给其他组织的号段 {other} 重叠")]
    Overlaps { range: DevRange, other: DevRange },
}

impl DevRangeError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DevRangeError::BadFormat(_)
            | DevRangeError::BadNumber { .. }
            | DevRangeError::BadYear(_)
            | DevRangeError::YearMismatch { .. }
            | DevRangeError::Reversed { .. } => ErrorCode::DevRangeInvalid,
            DevRangeError::ParentHasNone(_) | DevRangeError::OutsideParent { .. } => {
                ErrorCode::DevRangeOutsideParent
            }
            DevRangeError::Overlaps { .. } => ErrorCode::DevRangeOverlap,
        }
    }
}

const START: &str = "起始编号";
const END: &str = "终止编号";

impl DevRange {
    /// The year is the start's first four digits; the end must share it.
    pub fn new(start: &DevNumber, end: &DevNumber) -> Result<Self, DevRangeError> {
        Self::checked(start.year(), start, end)
    }

    /// From a year and two number texts, as an allocation form sends them.
    pub fn parse(year: i32, start: &str, end: &str) -> Result<Self, DevRangeError> {
        if !(1000..=9999).contains(&year) {
            return Err(DevRangeError::BadYear(year));
        }
        let number = |which, text| {
            DevNumber::parse(text).map_err(|source| DevRangeError::BadNumber { which, source })
        };
        let start = number(START, start)?;
        let end = number(END, end)?;
        Self::checked(year, &start, &end)
    }

    /// From one text: `201913000001-201913000500` (also `~`, `～`, `至`, `—`, `－`, `,`), or a
    /// single number for a range of one.
    pub fn parse_text(text: &str) -> Result<Self, DevRangeError> {
        let bad = || DevRangeError::BadFormat(crate::member_fault::shorten(text));
        let parts: Vec<&str> = text
            .split(['-', '~', '～', '至', '—', '－', '–', ',', '，'])
            .collect();
        let (start, end) = match parts.as_slice() {
            [one] if !one.trim().is_empty() => (*one, *one),
            [start, end] if !start.trim().is_empty() && !end.trim().is_empty() => (*start, *end),
            _ => return Err(bad()),
        };
        let start = DevNumber::parse(start).map_err(|source| DevRangeError::BadNumber {
            which: START,
            source,
        })?;
        let end = DevNumber::parse(end)
            .map_err(|source| DevRangeError::BadNumber { which: END, source })?;
        Self::new(&start, &end)
    }

    fn checked(year: i32, start: &DevNumber, end: &DevNumber) -> Result<Self, DevRangeError> {
        for (which, n) in [(START, start), (END, end)] {
            if n.year() != year {
                return Err(DevRangeError::YearMismatch {
                    which,
                    number: n.to_string(),
                    year,
                });
            }
        }
        if start > end {
            return Err(DevRangeError::Reversed {
                start: start.to_string(),
                end: end.to_string(),
            });
        }
        Ok(Self {
            year,
            start: start.value(),
            end: end.value(),
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn start(&self) -> DevNumber {
        DevNumber::from_value(self.start)
    }

    pub fn end(&self) -> DevNumber {
        DevNumber::from_value(self.end)
    }

    /// How many numbers the range holds (at least one).
    pub fn count(&self) -> u64 {
        self.end - self.start + 1
    }

    pub fn contains(&self, n: &DevNumber) -> bool {
        (self.start..=self.end).contains(&n.value())
    }

    pub fn contains_range(&self, other: &DevRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: &DevRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// `201913000001-201913000500`, the form `parse_text` reads.
impl fmt::Display for DevRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012}-{:012}", self.start, self.end)
    }
}

/// The ranges joined where they overlap or touch, sorted. Two ranges allocated one after the
/// other (1–100, 101–200) cover a sub-allocation that spans both.
pub fn merged(ranges: &[DevRange]) -> Vec<DevRange> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<DevRange> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match out.last_mut() {
            Some(last) if last.year == r.year && r.start <= last.end.saturating_add(1) => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

/// Whether every number of `range` lies in some of `ranges`.
pub fn covered(range: &DevRange, ranges: &[DevRange]) -> bool {
    merged(ranges).iter().any(|m| m.contains_range(range))
}

/// Whether `n` lies in any of `ranges`.
pub fn in_any(n: &DevNumber, ranges: &[DevRange]) -> bool {
    ranges.iter().any(|r| r.contains(n))
}

/// Checks a new allocation to a child organisation. `parent` holds the allocating
/// organisation's own ranges, or `None` when a provincial committee allocates (nothing above it
/// is modelled); `siblings` holds every range already allocated to the allocating
/// organisation's other children (leave out the range being edited).
pub fn check_allocation(
    new: &DevRange,
    parent: Option<&[DevRange]>,
    siblings: &[DevRange],
) -> Result<(), DevRangeError> {
    if let Some(parent) = parent {
        let same_year: Vec<DevRange> = parent
            .iter()
            .filter(|p| p.year == new.year)
            .copied()
            .collect();
        if same_year.is_empty() {
            return Err(DevRangeError::ParentHasNone(new.year));
        }
        if !covered(new, &same_year) {
            let listed = merged(&same_year)
                .iter()
                .take(5)
                .map(DevRange::to_string)
                .collect::<Vec<_>>()
                .join("、");
            return Err(DevRangeError::OutsideParent {
                range: *new,
                parent: listed,
            });
        }
    }
    if let Some(other) = siblings.iter().filter(|s| s.overlaps(new)).min() {
        return Err(DevRangeError::Overlaps {
            range: *new,
            other: *other,
        });
    }
    Ok(())
}

/// Children's ranges that a changed set of parent ranges would no longer cover: a parent may
/// not shrink or delete a range it has already handed down.
pub fn ranges_outside(children: &[DevRange], parent: &[DevRange]) -> Vec<DevRange> {
    children
        .iter()
        .filter(|c| !covered(c, parent))
        .copied()
        .collect()
}

/// The ranges a member's number is checked against, or `None` when only length, year and
/// format are checked.
///
/// `province_years` are the years in which the member's province allocated any range at all;
/// `lineage` holds the ranges allocated to each organisation from the province down to the
/// member's branch (outermost first). For the join year (2017 and 2018 together):
/// - the province allocated nothing → `None`;
/// - otherwise the ranges of the nearest organisation on the path that holds any for those
///   years (a sub-allocation narrows what its parent received) → `Some`; if none on the path
///   holds any, `Some(empty)`, and every number is outside.
pub fn applicable_ranges(
    join_year: i32,
    province_years: &[i32],
    lineage: &[&[DevRange]],
) -> Option<Vec<DevRange>> {
    let years = accepted_years(join_year);
    if !province_years.iter().any(|y| years.contains(y)) {
        return None;
    }
    let nearest = lineage.iter().rev().find_map(|held| {
        let of_year: Vec<DevRange> = held
            .iter()
            .filter(|r| years.contains(&r.year))
            .copied()
            .collect();
        (!of_year.is_empty()).then_some(of_year)
    });
    Some(nearest.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(s: &str) -> DevRange {
        DevRange::parse_text(s).unwrap()
    }

    fn n(s: &str) -> DevNumber {
        DevNumber::parse(s).unwrap()
    }

    #[test]
    fn parses_forms_and_texts() {
        let a = DevRange::parse(2019, "201913000001", "201913000500").unwrap();
        assert_eq!(a.year(), 2019);
        assert_eq!(a.count(), 500);
        assert_eq!(a.to_string(), "201913000001-201913000500");
        assert_eq!(a.start().as_str(), "201913000001");
        assert_eq!(a.end().as_str(), "201913000500");
        for text in [
            "201913000001-201913000500",
            " 201913000001 ~ 201913000500 ",
            "201913000001至201913000500",
            "201913000001～201913000500",
            "201913000001，201913000500",
        ] {
            assert_eq!(r(text), a, "{text}");
        }
        let one = r("201913000007");
        assert_eq!(one.count(), 1);
        assert!(one.contains(&n("201913000007")));
    }

    #[test]
    fn refuses_malformed_ranges() {
        let code = |res: Result<DevRange, DevRangeError>| res.unwrap_err().code();
        assert_eq!(code(DevRange::parse_text("")), "dev_range_invalid");
        assert_eq!(code(DevRange::parse_text("1-2-3")), "dev_range_invalid");
        assert!(matches!(
            DevRange::parse_text("201913000001-"),
            Err(DevRangeError::BadFormat(_))
        ));
        assert!(matches!(
            DevRange::parse(2019, "20191300001", "201913000500"),
            Err(DevRangeError::BadNumber {
                which: "起始编号",
                ..
            })
        ));
        assert!(matches!(
            DevRange::parse(2019, "201913000001", "2019A3000500"),
            Err(DevRangeError::BadNumber {
                which: "终止编号",
                ..
            })
        ));
        // Both ends start with the year.
        assert!(matches!(
            DevRange::parse(2019, "201813000001", "201913000500"),
            Err(DevRangeError::YearMismatch {
                which: "起始编号",
                ..
            })
        ));
        assert!(matches!(
            DevRange::parse(2019, "201913000001", "202013000500"),
            Err(DevRangeError::YearMismatch {
                which: "终止编号",
                ..
            })
        ));
        assert!(matches!(
            DevRange::parse_text("201913000001-202013000500"),
            Err(DevRangeError::YearMismatch { .. })
        ));
        assert_eq!(
            DevRange::parse(19, "201913000001", "201913000500"),
            Err(DevRangeError::BadYear(19))
        );
        // start ≤ end, equal allowed.
        assert!(matches!(
            DevRange::parse(2019, "201913000501", "201913000500"),
            Err(DevRangeError::Reversed { .. })
        ));
        assert!(DevRange::parse(2019, "201913000500", "201913000500").is_ok());
    }

    #[test]
    fn containment_at_the_edges() {
        let a = r("201913000100-201913000199");
        assert!(!a.contains(&n("201913000099")));
        assert!(a.contains(&n("201913000100")));
        assert!(a.contains(&n("201913000199")));
        assert!(!a.contains(&n("201913000200")));
        assert!(a.contains_range(&a));
        assert!(a.contains_range(&r("201913000100-201913000100")));
        assert!(!a.contains_range(&r("201913000099-201913000150")));
        assert!(!a.contains_range(&r("201913000150-201913000200")));
    }

    #[test]
    fn overlap_at_the_edges() {
        let a = r("201913000100-201913000199");
        assert!(a.overlaps(&r("201913000199-201913000300")));
        assert!(!a.overlaps(&r("201913000200-201913000300")));
        assert!(a.overlaps(&r("201913000000-201913000100")));
        assert!(!a.overlaps(&r("201913000000-201913000099")));
        assert!(a.overlaps(&r("201913000150-201913000150")));
    }

    #[test]
    fn merges_touching_ranges_of_one_year() {
        let m = merged(&[
            r("201913000101-201913000200"),
            r("201913000001-201913000100"),
            r("201913000300-201913000400"),
            r("202013000001-202013000100"),
        ]);
        assert_eq!(
            m,
            [
                r("201913000001-201913000200"),
                r("201913000300-201913000400"),
                r("202013000001-202013000100"),
            ]
        );
        // A sub-allocation spanning two touching parent ranges is covered; one spanning a gap
        // is not.
        let parent = [
            r("201913000001-201913000100"),
            r("201913000101-201913000200"),
            r("201913000300-201913000400"),
        ];
        assert!(covered(&r("201913000050-201913000150"), &parent));
        assert!(!covered(&r("201913000150-201913000350"), &parent));
    }

    #[test]
    fn sub_allocations_stay_inside_the_parent_and_apart() {
        let parent = [r("201913000001-201913001000")];
        let siblings = [
            r("201913000001-201913000100"),
            r("201913000201-201913000300"),
        ];
        assert!(
            check_allocation(&r("201913000101-201913000200"), Some(&parent), &siblings).is_ok()
        );
        let e = check_allocation(&r("201913000100-201913000150"), Some(&parent), &siblings)
            .unwrap_err();
        assert_eq!(e.code(), "dev_range_overlap");
        assert!(e.to_string().contains("201913000001-201913000100"));
        let e = check_allocation(&r("201913000900-201913001001"), Some(&parent), &siblings)
            .unwrap_err();
        assert_eq!(e.code(), "dev_range_outside_parent");
        assert!(e.to_string().contains("201913000001-201913001000"));
        let e = check_allocation(&r("202013000001-202013000010"), Some(&parent), &[]).unwrap_err();
        assert_eq!(e, DevRangeError::ParentHasNone(2020));
        assert_eq!(e.code(), "dev_range_outside_parent");
        // A provincial committee allocates from no parent range; only siblings matter.
        assert!(check_allocation(&r("202013000001-202013000010"), None, &siblings).is_ok());
        assert!(check_allocation(&r("201913000300-201913000400"), None, &siblings).is_err());
        // Other years never overlap.
        assert!(check_allocation(&r("202013000001-202013000300"), None, &siblings).is_ok());
    }

    #[test]
    fn a_parent_cannot_drop_what_it_handed_down() {
        let children = [
            r("201913000001-201913000100"),
            r("201913000501-201913000600"),
        ];
        assert!(ranges_outside(&children, &[r("201913000001-201913001000")]).is_empty());
        assert_eq!(
            ranges_outside(&children, &[r("201913000001-201913000500")]),
            [children[1]]
        );
    }

    #[test]
    fn applicable_ranges_follow_the_nearest_allocation() {
        let province: [DevRange; 0] = [];
        let county = [r("201913000001-201913001000")];
        let school = [r("201913000101-201913000200")];
        let branch: [DevRange; 0] = [];
        let lineage: [&[DevRange]; 4] = [&province, &county, &school, &branch];
        // The province allocated nothing in 2020: only length, year and format are checked.
        assert_eq!(applicable_ranges(2020, &[2019], &lineage), None);
        assert_eq!(applicable_ranges(2019, &[], &lineage), None);
        // The nearest holder on the path is the school.
        assert_eq!(
            applicable_ranges(2019, &[2019], &lineage),
            Some(school.to_vec())
        );
        // Without the school's sub-allocation the county's range applies.
        let lineage: [&[DevRange]; 3] = [&province, &county, &branch];
        assert_eq!(
            applicable_ranges(2019, &[2019], &lineage),
            Some(county.to_vec())
        );
        // The province allocated that year, but not to this branch's line: nothing fits.
        let lineage: [&[DevRange]; 2] = [&province, &branch];
        assert_eq!(applicable_ranges(2019, &[2019], &lineage), Some(vec![]));
        // 2017 and 2018 count together.
        let held = [r("201813000001-201813000100")];
        let lineage: [&[DevRange]; 1] = [&held];
        assert_eq!(
            applicable_ranges(2017, &[2018], &lineage),
            Some(held.to_vec())
        );
    }

    fn range_strategy() -> impl Strategy<Value = DevRange> {
        (2016i32..2030, 0u64..99_990_000, 1u64..10_000).prop_map(|(year, offset, len)| {
            let base = year as u64 * 100_000_000;
            DevRange::new(
                &DevNumber::from_value(base + offset),
                &DevNumber::from_value(base + offset + len - 1),
            )
            .unwrap()
        })
    }

    proptest! {
        #[test]
        fn every_number_inside_is_contained(range in range_strategy(), k in 0u64..10_000) {
            let inside = DevNumber::from_value(range.start().value() + k % range.count());
            prop_assert!(range.contains(&inside));
            prop_assert!(in_any(&inside, &[range]));
            prop_assert_eq!(inside.year(), range.year());
            prop_assert!(!range.contains(&DevNumber::from_value(range.end().value() + 1)));
        }

        #[test]
        fn overlap_is_symmetric_and_means_a_shared_number(a in range_strategy(), b in range_strategy()) {
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
            let shared = a.start().value().max(b.start().value())
                <= a.end().value().min(b.end().value());
            prop_assert_eq!(a.overlaps(&b), shared);
            if a.contains_range(&b) {
                prop_assert!(a.overlaps(&b));
                prop_assert!(check_allocation(&b, Some(&[a]), &[]).is_ok());
            }
        }

        #[test]
        fn text_round_trips(a in range_strategy()) {
            prop_assert_eq!(DevRange::parse_text(&a.to_string()), Ok(a));
        }

        #[test]
        fn merging_keeps_exactly_the_same_numbers(
            ranges in proptest::collection::vec(range_strategy(), 0..6),
            probe in range_strategy(),
        ) {
            let m = merged(&ranges);
            for n in [probe.start(), probe.end()] {
                prop_assert_eq!(in_any(&n, &ranges), in_any(&n, &m));
            }
            for w in m.windows(2) {
                prop_assert!(!w[0].overlaps(&w[1]));
            }
        }
    }
}
