//! The joining age (seed, question 4): 13 from 2017, 12 before; 13 in every year in 新疆.
//! The league counts in months (domain.md §5): only the join month is recorded, and someone
//! who turns 13 on any day of that month meets the rule (入团当月年满13周岁).
//! Each number is named here once; `entry_rules` applies the rule to a record, `member_fault`
//! and `self_service` state it.

use crate::join_month::JoinMonth;

/// From this year on members must be `MIN_JOIN_AGE` when joining …
pub const MIN_JOIN_AGE_FROM: i32 = 2017;
/// … the youngest age at joining from then on, and in 新疆 in every year …
pub const MIN_JOIN_AGE: u32 = 13;
/// … and before `MIN_JOIN_AGE_FROM` elsewhere.
pub const EARLIER_MIN_JOIN_AGE: u32 = 12;

/// The youngest age at which someone may have joined in `join`.
pub fn min_join_age(join: JoinMonth, is_xinjiang: bool) -> u32 {
    if is_xinjiang || join.year() >= MIN_JOIN_AGE_FROM {
        MIN_JOIN_AGE
    } else {
        EARLIER_MIN_JOIN_AGE
    }
}

/// The part of the rule that applies to someone who joined in `join`: 「2017年1月1日及以后入团须入团当月年满13周岁」.
pub fn rule_for(join: JoinMonth, is_xinjiang: bool) -> String {
    if is_xinjiang {
        format!("新疆地区入团须入团当月年满{MIN_JOIN_AGE}周岁")
    } else if join.year() >= MIN_JOIN_AGE_FROM {
        format!("{MIN_JOIN_AGE_FROM}年1月1日及以后入团须入团当月年满{MIN_JOIN_AGE}周岁")
    } else {
        format!("{MIN_JOIN_AGE_FROM}年1月1日以前入团须入团当月年满{EARLIER_MIN_JOIN_AGE}周岁")
    }
}

/// The whole rule in one sentence, for messages that do not know the join month.
pub fn rule() -> String {
    format!(
        "{MIN_JOIN_AGE_FROM}年1月1日及以后入团须入团当月年满{MIN_JOIN_AGE}周岁（新疆地区各年份均为{MIN_JOIN_AGE}周岁），\
         {MIN_JOIN_AGE_FROM}年1月1日以前入团须入团当月年满{EARLIER_MIN_JOIN_AGE}周岁"
    )
}

/// The rule as a form's hint states it, briefly.
pub fn short_rule() -> String {
    format!(
        "{MIN_JOIN_AGE_FROM}年起入团须入团当月年满{MIN_JOIN_AGE}周岁（新疆各年份均为{MIN_JOIN_AGE}周岁），此前须入团当月年满{EARLIER_MIN_JOIN_AGE}周岁"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> JoinMonth {
        JoinMonth::new(y, m).unwrap()
    }

    #[test]
    fn thirteen_from_2017_twelve_before_thirteen_always_in_xinjiang() {
        assert_eq!(min_join_age(ym(2016, 12), false), 12);
        assert_eq!(min_join_age(ym(2017, 1), false), 13);
        assert_eq!(min_join_age(ym(2010, 1), true), 13);
        assert_eq!(min_join_age(ym(2020, 1), true), 13);
    }

    #[test]
    fn the_rule_as_stated() {
        assert_eq!(
            rule_for(ym(2017, 1), false),
            "2017年1月1日及以后入团须入团当月年满13周岁"
        );
        assert_eq!(
            rule_for(ym(2016, 12), false),
            "2017年1月1日以前入团须入团当月年满12周岁"
        );
        assert_eq!(
            rule_for(ym(2016, 12), true),
            "新疆地区入团须入团当月年满13周岁"
        );
        assert_eq!(
            rule(),
            "2017年1月1日及以后入团须入团当月年满13周岁（新疆地区各年份均为13周岁），2017年1月1日以前入团须入团当月年满12周岁"
        );
        assert_eq!(
            short_rule(),
            "2017年起入团须入团当月年满13周岁（新疆各年份均为13周岁），此前须入团当月年满12周岁"
        );
    }
}
