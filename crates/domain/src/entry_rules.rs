//! The entry rules for members (seed, question 4, exact): age at joining, the development
//! number and the ID number. The one place forms, the API and Excel import all call, so a
//! record refused in one is refused in the others with the same words.
//!
//! Age is counted in months, as the league does (domain.md §5): only the month of joining is
//! recorded, and someone who turns 13 on any day of the join month meets the rule — born
//! 2010-06-30, joining in 2023-06 is fine, in 2023-05 too young. The day of birth never
//! matters; a 29 February birthday turns a year older in February, leap year or not.
//!
//! What needs the database — the ID number or development number already in use, the
//! branch named — is checked by the store, which adds `MemberFault::already_registered`,
//! `dev_number_taken`, `org_not_found` or `not_a_branch` to the same list.

use chrono::{Datelike, NaiveDate};

use crate::dev_number::{DEV_NUMBER_LEN, DevNumber, DevNumberError, dev_number_required};
use crate::dev_range::{DevRange, in_any};
use crate::id_number::{IdNumber, Sex};
use crate::join_age::{min_join_age, rule_for as age_rule_for};
use crate::join_month::{JoinMonth, JoinMonthError};
use crate::member_fault::{MemberFault, MemberFaultCode, MemberField};

/// Age at joining as the league counts it: whole years of months from the birth month to the
/// join month, so the birthday's month is the month one is a year older, whatever the day.
/// The one place the joining age is computed (entry, import, recheck, self-service).
pub fn join_age(id: &IdNumber, join: JoinMonth) -> u32 {
    let months = months_between(id.birth_date(), join);
    (months.max(0) / 12) as u32
}

/// Months from the birth month to `join` (negative before birth).
fn months_between(birth: NaiveDate, join: JoinMonth) -> i32 {
    (join.year() - birth.year()) * 12 + join.month() as i32 - birth.month() as i32
}

/// The first month in which someone born on `birth` is `age` as the league counts.
pub fn month_turning(birth: NaiveDate, age: u32) -> JoinMonth {
    JoinMonth::new(birth.year() + age as i32, birth.month()).expect("a valid month")
}

/// The age rule; on success the age at joining.
pub fn check_join_age(
    id: &IdNumber,
    join: JoinMonth,
    is_xinjiang: bool,
) -> Result<u32, MemberFault> {
    let age = join_age(id, join);
    let min = min_join_age(join, is_xinjiang);
    if age >= min {
        return Ok(age);
    }
    let rule = age_rule_for(join, is_xinjiang);
    Err(MemberFault::new(
        MemberFaultCode::JoinAgeTooYoung,
        Some(MemberField::JoinMonth),
        format!(
            "入团年龄不符合规定：出生日期{}，{}入团，入团当月{}周岁，未满{}周岁\
             （{}，即最早{}入团）。因入团年龄问题无法录入的，由发展其入团的团组织或县级团委\
             开具说明，经省级团委汇总后报团中央统一录入",
            id.birth_date().format("%Y年%-m月%-d日"),
            join.label(),
            age,
            min,
            rule,
            month_turning(id.birth_date(), min).label()
        ),
    ))
}

fn dev_fault(err: &DevNumberError, join: Option<JoinMonth>, is_xinjiang: bool) -> MemberFault {
    let code = match err {
        DevNumberError::Empty => MemberFaultCode::DevNumberRequired,
        DevNumberError::BadFormat { .. } => MemberFaultCode::DevNumberBadFormat,
        DevNumberError::BadLength(_) => MemberFaultCode::DevNumberBadLength,
        DevNumberError::YearMismatch { .. } => MemberFaultCode::DevNumberYearMismatch,
    };
    let message = match (err, join) {
        (DevNumberError::Empty, Some(join)) => format!(
            "{}入团，须填写发展团员编号（{}必须填写{DEV_NUMBER_LEN}位发展团员编号）",
            join.label(),
            crate::dev_number::required_from(is_xinjiang)
        ),
        _ => err.to_string(),
    };
    MemberFault::new(code, Some(MemberField::DevNumber), message)
}

fn range_fault(n: &DevNumber, ranges: &[DevRange]) -> MemberFault {
    let message = if ranges.is_empty() {
        format!(
            "发展团员编号 {n} 号段不对：本团支部及其上级组织没有分到{}年的发展团员编号号段，\
             请核对编号或联系上级团委分配号段",
            n.year()
        )
    } else {
        let mut listed: Vec<String> = ranges.iter().take(3).map(DevRange::to_string).collect();
        if ranges.len() > 3 {
            listed.push(format!("等{}段", ranges.len()));
        }
        format!(
            "发展团员编号 {n} 号段不对：不在本团支部分到的号段内（{}），请核对编号或联系上级团委",
            listed.join("、")
        )
    };
    MemberFault::new(
        MemberFaultCode::DevNumberOutOfRange,
        Some(MemberField::DevNumber),
        message,
    )
}

/// The development number rules for a member who joined in `join`, also for records already in
/// the system (the notice that asks admins to fix faulty numbers). `ranges` are the
/// applicable ranges (`dev_range::applicable_ranges`), `None` where the province allocated
/// none. Reports one fault, the most basic: format, then length, then year, then range.
pub fn check_dev_number(
    text: &str,
    join: JoinMonth,
    is_xinjiang: bool,
    ranges: Option<&[DevRange]>,
) -> Result<Option<DevNumber>, MemberFault> {
    let number = match DevNumber::parse(text) {
        Ok(n) => n,
        Err(DevNumberError::Empty) if !dev_number_required(join, is_xinjiang) => return Ok(None),
        Err(e) => return Err(dev_fault(&e, Some(join), is_xinjiang)),
    };
    number
        .check_year(join)
        .map_err(|e| dev_fault(&e, Some(join), is_xinjiang))?;
    if let Some(ranges) = ranges
        && !in_any(&number, ranges)
    {
        return Err(range_fault(&number, ranges));
    }
    Ok(Some(number))
}

/// What a form, an API call or an import row gives for a new member, as typed.
#[derive(Debug, Clone, Copy)]
pub struct MemberEntry<'a> {
    pub id_number: &'a str,
    pub join_month: &'a str,
    /// Empty when not given.
    pub dev_number: &'a str,
    /// The branch is in 新疆维吾尔自治区 or 新疆生产建设兵团 (`orgs.xinjiang`).
    pub is_xinjiang: bool,
    /// From `dev_range::applicable_ranges`; `None` where the province allocated nothing.
    pub ranges: Option<&'a [DevRange]>,
    pub today: NaiveDate,
}

/// An entry that passed every rule the domain can check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEntry {
    pub id_number: IdNumber,
    pub join_month: JoinMonth,
    pub dev_number: Option<DevNumber>,
    pub age_at_join: u32,
    /// Not refusals: shown to the admin (e.g. an address code missing from the table).
    pub warnings: Vec<String>,
}

impl ValidEntry {
    /// From the ID number: the record never asks for it.
    pub fn sex(&self) -> Sex {
        self.id_number.sex()
    }

    /// From the ID number.
    pub fn birth_date(&self) -> NaiveDate {
        self.id_number.birth_date()
    }
}

/// Whether the joining age applies. Only a 团中央 admin entering a gathered case (seed,
/// question 4: 「由团中央统一录入」) waives it, and only it: ID, number and 号段 still apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgeRule {
    #[default]
    Applies,
    /// Waived for a member 团中央 entered with a recorded reason (`members.age_exception`).
    WaivedByCentral,
}

impl MemberEntry<'_> {
    /// Every fault of the entry, not only the first, each with its field. A rule that needs a
    /// value which is itself faulty is skipped (no age without a valid ID number and join
    /// month), so each fault names something the admin can fix.
    pub fn check(&self) -> Result<ValidEntry, Vec<MemberFault>> {
        self.check_with(AgeRule::Applies)
    }

    /// `check`, with the joining age applied or waived.
    pub fn check_with(&self, age_rule: AgeRule) -> Result<ValidEntry, Vec<MemberFault>> {
        let mut faults = Vec::new();
        let mut warnings = Vec::new();

        let id = match IdNumber::parse_on(self.id_number, self.today) {
            Ok(id) => {
                warnings.extend(id.address_warning());
                Some(id)
            }
            Err(e) => {
                faults.push(MemberFault::id_number_invalid(&e));
                None
            }
        };

        let join = match JoinMonth::parse_on(self.join_month, self.today) {
            Ok(j) => Some(j),
            Err(JoinMonthError::Empty) => {
                faults.push(MemberFault::required_missing(MemberField::JoinMonth));
                None
            }
            Err(e) => {
                faults.push(join_fault(&e));
                None
            }
        };

        let mut age_at_join = None;
        if let (Some(id), Some(join)) = (&id, join) {
            match join.check_after_birth(id.birth_date()) {
                Err(e) => faults.push(join_fault(&e)),
                Ok(()) if age_rule == AgeRule::WaivedByCentral => {
                    age_at_join = Some(join_age(id, join));
                }
                Ok(()) => match check_join_age(id, join, self.is_xinjiang) {
                    Ok(age) => age_at_join = Some(age),
                    Err(f) => faults.push(f),
                },
            }
        }

        let dev_number = match join {
            Some(join) => {
                match check_dev_number(self.dev_number, join, self.is_xinjiang, self.ranges) {
                    Ok(n) => n,
                    Err(f) => {
                        faults.push(f);
                        None
                    }
                }
            }
            // Without a join month only the number's own form can be judged.
            None => match DevNumber::parse(self.dev_number) {
                Ok(n) => Some(n),
                Err(DevNumberError::Empty) => None,
                Err(e) => {
                    faults.push(dev_fault(&e, None, self.is_xinjiang));
                    None
                }
            },
        };

        match (id, join, age_at_join) {
            (Some(id_number), Some(join_month), Some(age_at_join)) if faults.is_empty() => {
                Ok(ValidEntry {
                    id_number,
                    join_month,
                    dev_number,
                    age_at_join,
                    warnings,
                })
            }
            _ => Err(faults),
        }
    }
}

fn join_fault(e: &JoinMonthError) -> MemberFault {
    let code = match e {
        JoinMonthError::Empty => MemberFaultCode::RequiredMissing,
        _ => MemberFaultCode::JoinDateInvalid,
    };
    MemberFault::new(code, Some(MemberField::JoinMonth), e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    /// A valid ID number (Beijing 东城区) for a birth date.
    fn id(birth: &str) -> String {
        IdNumber::from_first17(&format!("110101{birth}001")).to_string()
    }

    fn entry<'a>(id: &'a str, join: &'a str, dev: &'a str, xinjiang: bool) -> MemberEntry<'a> {
        MemberEntry {
            id_number: id,
            join_month: join,
            dev_number: dev,
            is_xinjiang: xinjiang,
            ranges: None,
            today: today(),
        }
    }

    fn codes(e: MemberEntry<'_>) -> Vec<&'static str> {
        match e.check() {
            Ok(_) => vec![],
            Err(faults) => faults.iter().map(|f| f.code().as_str()).collect(),
        }
    }

    #[test]
    fn a_good_entry_gives_sex_birth_and_age() {
        let person = id("20100601");
        let ok = entry(&person, "2023年6月", "202313000001", false)
            .check()
            .unwrap();
        assert_eq!(ok.join_month.to_string(), "2023-06");
        assert_eq!(ok.dev_number.as_ref().unwrap().as_str(), "202313000001");
        assert_eq!(ok.age_at_join, 13);
        assert_eq!(ok.sex(), Sex::Male);
        assert_eq!(
            ok.birth_date(),
            NaiveDate::from_ymd_opt(2010, 6, 1).unwrap()
        );
        assert!(ok.warnings.is_empty());
    }

    #[test]
    fn thirteen_at_any_day_of_the_join_month() {
        // The last day of the month: born 2010-06-30, joining 2023-06 is fine …
        assert!(codes(entry(&id("20100630"), "2023-06", "202313000001", false)).is_empty());
        // … the month before is too young, and the message names the earliest month.
        let f = entry(&id("20100630"), "2023-05", "202313000001", false)
            .check()
            .unwrap_err();
        assert_eq!(f[0].code(), "join_age_too_young");
        assert!(
            f[0].message.contains("入团当月12周岁，未满13周岁"),
            "{}",
            f[0]
        );
        assert!(f[0].message.contains("即最早2023年6月入团"), "{}", f[0]);
        assert!(f[0].message.contains("入团当月年满13周岁"), "{}", f[0]);
        // The first day of the month: the same month is fine, the month before is not.
        assert!(codes(entry(&id("20100601"), "2023-06", "202313000001", false)).is_empty());
        assert_eq!(
            codes(entry(&id("20100601"), "2023-05", "202313000001", false)),
            ["join_age_too_young"]
        );
        // Born on 1 or 31 January: January of the thirteenth year, not December before.
        assert!(codes(entry(&id("20100131"), "2023-01", "202313000001", false)).is_empty());
        assert_eq!(
            codes(entry(&id("20100101"), "2022-12", "202213000001", false)),
            ["join_age_too_young"]
        );
        // 29 February turns 13 in February, also in a common year …
        assert!(codes(entry(&id("20080229"), "2021-02", "202113000001", false)).is_empty());
        assert_eq!(
            codes(entry(&id("20080229"), "2021-01", "202113000001", false)),
            ["join_age_too_young"]
        );
        // … and in a leap year.
        assert!(codes(entry(&id("20040229"), "2017-02", "201713000001", false)).is_empty());
        // The age reported is the months' count.
        let p = IdNumber::parse(&id("20100630")).unwrap();
        assert_eq!(join_age(&p, JoinMonth::new(2023, 6).unwrap()), 13);
        assert_eq!(join_age(&p, JoinMonth::new(2023, 5).unwrap()), 12);
        assert_eq!(join_age(&p, JoinMonth::new(2010, 6).unwrap()), 0);
    }

    #[test]
    fn only_the_age_is_waived_for_central_entry() {
        let young = id("20120601");
        let e = entry(&young, "2023-06", "202313000001", false);
        assert_eq!(codes(e), ["join_age_too_young"]);
        let ok = e.check_with(AgeRule::WaivedByCentral).unwrap();
        assert_eq!(ok.age_at_join, 11);
        // Every other rule still holds.
        let bad = entry(&young, "2023-06", "202213000001", false);
        let f = bad.check_with(AgeRule::WaivedByCentral).unwrap_err();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code(), "dev_number_year_mismatch");
        let before_birth = entry(&young, "2012-05", "", false);
        assert_eq!(
            before_birth
                .check_with(AgeRule::WaivedByCentral)
                .unwrap_err()[0]
                .code(),
            "join_date_invalid"
        );
    }

    #[test]
    fn twelve_before_2017_thirteen_from_2017() {
        // Born 2004-02-01: 12 on both 2016-12-01 and 2017-01-01.
        let person = id("20040201");
        assert!(codes(entry(&person, "2016-12", "", false)).is_empty());
        assert_eq!(
            codes(entry(&person, "2017-01", "201713000001", false)),
            ["join_age_too_young"]
        );
        // Twelve during the join month before 2017, whatever the day; the month before is too young.
        assert!(codes(entry(&id("20040630"), "2016-06", "", false)).is_empty());
        assert_eq!(
            codes(entry(&id("20040601"), "2016-05", "", false)),
            ["join_age_too_young"]
        );
        let faults = entry(&id("20040601"), "2016-05", "", false)
            .check()
            .unwrap_err();
        assert!(faults[0].message.contains("未满12周岁"), "{}", faults[0]);
        assert!(faults[0].message.contains("报团中央"));
        assert_eq!(min_join_age(JoinMonth::new(2016, 12).unwrap(), false), 12);
        assert_eq!(min_join_age(JoinMonth::new(2017, 1).unwrap(), false), 13);
    }

    #[test]
    fn number_required_from_2017_01_01() {
        let person = id("20000101");
        assert!(codes(entry(&person, "2016-12", "", false)).is_empty());
        assert_eq!(
            codes(entry(&person, "2017-01", "", false)),
            ["dev_number_required"]
        );
        let f = entry(&person, "2017-01", " ", false).check().unwrap_err();
        assert_eq!(f[0].field, Some(MemberField::DevNumber));
        assert!(f[0].message.contains("2017年1月1日及以后"));
    }

    #[test]
    fn xinjiang_2016_needs_a_number_and_age_13() {
        // Born 2003-07-31: 12 in June 2016, 13 in July.
        let person = id("20030731");
        assert!(codes(entry(&person, "2016-06", "", false)).is_empty());
        assert_eq!(
            codes(entry(&person, "2016-06", "", true)),
            ["join_age_too_young", "dev_number_required"]
        );
        let f = entry(&person, "2016-06", "", true).check().unwrap_err();
        assert!(f[0].message.contains("新疆"));
        assert!(f[1].message.contains("新疆地区2016年"));
        // Old enough, numbered: fine in 新疆.
        assert!(codes(entry(&person, "2016-07", "201665000001", true)).is_empty());
        // Age 13 in 新疆 in every year, numbers optional before 2016.
        assert_eq!(
            codes(entry(&id("20020701"), "2015-06", "", true)),
            ["join_age_too_young"]
        );
        assert!(codes(entry(&id("20020701"), "2015-07", "", true)).is_empty());
        assert!(codes(entry(&id("20020701"), "2015-07", "", false)).is_empty());
    }

    #[test]
    fn year_prefix_with_2017_and_2018_interchangeable() {
        let person = id("20000101");
        for (join, dev) in [
            ("2017-05", "201713000001"),
            ("2017-05", "201813000001"),
            ("2018-05", "201713000001"),
            ("2018-05", "201813000001"),
            ("2019-05", "201913000001"),
        ] {
            assert!(
                codes(entry(&person, join, dev, false)).is_empty(),
                "{join} {dev}"
            );
        }
        for (join, dev) in [
            ("2019-05", "201813000001"),
            ("2018-05", "201913000001"),
            ("2017-05", "201613000001"),
            ("2020-01", "201913000001"),
        ] {
            assert_eq!(
                codes(entry(&person, join, dev, false)),
                ["dev_number_year_mismatch"],
                "{join} {dev}"
            );
        }
    }

    #[test]
    fn before_2017_optional_but_must_start_with_the_join_year() {
        let person = id("20000101");
        assert!(codes(entry(&person, "2015-05", "", false)).is_empty());
        assert!(codes(entry(&person, "2015-05", "201513000001", false)).is_empty());
        assert_eq!(
            codes(entry(&person, "2015-05", "201613000001", false)),
            ["dev_number_year_mismatch"]
        );
        assert_eq!(
            codes(entry(&person, "2015-05", "2015130001", false)),
            ["dev_number_bad_length"]
        );
    }

    #[test]
    fn each_dev_number_fault_has_its_code() {
        let person = id("20000101");
        let ranges = [DevRange::parse_text("201913000001-201913000100").unwrap()];
        let with = |dev: &'static str| MemberEntry {
            ranges: Some(&ranges),
            ..entry(&person, "2019-05", dev, false)
        };
        assert!(codes(with("201913000100")).is_empty());
        assert_eq!(codes(with("")), ["dev_number_required"]);
        assert_eq!(codes(with("2019-13-000001")), ["dev_number_bad_format"]);
        assert_eq!(codes(with("2.01913E+11")), ["dev_number_bad_format"]);
        assert_eq!(codes(with("20191300001")), ["dev_number_bad_length"]);
        assert_eq!(codes(with("2019130000001")), ["dev_number_bad_length"]);
        assert_eq!(codes(with("201813000001")), ["dev_number_year_mismatch"]);
        assert_eq!(codes(with("201913000101")), ["dev_number_out_of_range"]);
        assert_eq!(codes(with("201913000000")), ["dev_number_out_of_range"]);
        let f = with("201913000101").check().unwrap_err();
        assert!(f[0].message.contains("201913000001-201913000100"));
        // The fifth fault, 被占用, is the store's; the domain gives its words.
        assert_eq!(
            MemberFault::dev_number_taken("201913000001", None).code(),
            "dev_number_taken"
        );
    }

    #[test]
    fn ranges_apply_only_where_the_province_allocated() {
        let person = id("20000101");
        // No allocation: any well-formed number of the right year.
        assert!(codes(entry(&person, "2019-05", "201999999999", false)).is_empty());
        // Allocated in the province but nothing on this branch's line.
        let none: [DevRange; 0] = [];
        let e = MemberEntry {
            ranges: Some(&none),
            ..entry(&person, "2019-05", "201913000001", false)
        };
        let f = e.check().unwrap_err();
        assert_eq!(f[0].code(), "dev_number_out_of_range");
        assert!(f[0].message.contains("没有分到2019年"), "{}", f[0]);
        // Several ranges: any one holds it.
        let ranges = [
            DevRange::parse_text("201913000001-201913000010").unwrap(),
            DevRange::parse_text("201913000101-201913000110").unwrap(),
        ];
        let e = MemberEntry {
            ranges: Some(&ranges),
            ..entry(&person, "2019-05", "201913000105", false)
        };
        assert!(e.check().is_ok());
    }

    #[test]
    fn every_fault_is_collected_with_its_field() {
        let f = entry("11010520100601001", "2019-13", "abc", false)
            .check()
            .unwrap_err();
        let got: Vec<_> = f.iter().map(|f| (f.code().as_str(), f.field)).collect();
        assert_eq!(
            got,
            [
                ("id_number_invalid", Some(MemberField::IdNumber)),
                ("join_date_invalid", Some(MemberField::JoinMonth)),
                ("dev_number_bad_format", Some(MemberField::DevNumber)),
            ]
        );
        // A bad ID does not hide the number's year fault.
        assert_eq!(
            codes(entry("123", "2019-05", "201813000001", false)),
            ["id_number_invalid", "dev_number_year_mismatch"]
        );
        // Nothing filled in: both required fields; the number cannot be judged.
        let f = entry("", "", "", false).check().unwrap_err();
        let got: Vec<_> = f.iter().map(|f| (f.code().as_str(), f.field)).collect();
        assert_eq!(
            got,
            [
                ("required_missing", Some(MemberField::IdNumber)),
                ("required_missing", Some(MemberField::JoinMonth)),
            ]
        );
        // Too young and a wrong year at once.
        assert_eq!(
            codes(entry(&id("20100702"), "2023-06", "202213000001", false)),
            ["join_age_too_young", "dev_number_year_mismatch"]
        );
    }

    #[test]
    fn join_month_in_the_future_or_before_birth() {
        let person = id("20100615");
        assert_eq!(
            codes(entry(&person, "2026-12", "202613000001", false)),
            ["join_date_invalid"]
        );
        // Before birth: one fault, not an age fault as well.
        let f = entry(&person, "2010-05", "", false).check().unwrap_err();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code(), "join_date_invalid");
        assert!(f[0].message.contains("早于出生日期"));
        // The birth month itself is an age fault.
        assert_eq!(
            codes(entry(&person, "2010-06", "", false)),
            ["join_age_too_young"]
        );
        // An ID with a birth date after today is an ID fault.
        let unborn = IdNumber::from_first17("11010120270101001").to_string();
        assert_eq!(
            codes(entry(&unborn, "2019-05", "201913000001", false)),
            ["id_number_invalid"]
        );
    }

    #[test]
    fn unknown_address_code_is_only_a_warning() {
        let person = IdNumber::from_first17("99999920000101001").to_string();
        let ok = entry(&person, "2019-05", "201913000001", false)
            .check()
            .unwrap();
        assert_eq!(ok.warnings.len(), 1);
        assert!(ok.warnings[0].contains("999999"));
    }

    #[test]
    fn existing_records_can_be_audited() {
        let join = JoinMonth::new(2019, 5).unwrap();
        assert_eq!(
            check_dev_number("201913000001", join, false, None),
            Ok(Some(DevNumber::parse("201913000001").unwrap()))
        );
        assert_eq!(
            check_dev_number("", join, false, None).unwrap_err().code(),
            "dev_number_required"
        );
        assert_eq!(
            check_dev_number("", JoinMonth::new(2016, 5).unwrap(), false, None),
            Ok(None)
        );
    }

    proptest! {
        #[test]
        fn any_number_inside_a_range_is_accepted(
            year in 2017i32..=2026,
            start in 0u64..99_000_000,
            len in 1u64..1_000_000,
            k in any::<u64>(),
        ) {
            let base = year as u64 * 100_000_000;
            let end = (start + len - 1).min(99_999_999);
            let range = DevRange::new(
                &DevNumber::from_value(base + start),
                &DevNumber::from_value(base + end),
            ).unwrap();
            let inside = DevNumber::from_value(base + start + k % range.count());
            let person = id("19990101");
            let join = format!("{year}-01");
            let ranges = [range];
            let e = MemberEntry {
                ranges: Some(&ranges),
                ..entry(&person, &join, inside.as_str(), false)
            };
            let ok = e.check();
            prop_assert!(ok.is_ok(), "{:?}", ok);
            prop_assert_eq!(ok.unwrap().dev_number, Some(inside.clone()));
            if start > 0 {
                let below = DevNumber::from_value(base + start - 1);
                let e = MemberEntry { dev_number: below.as_str(), ..e };
                prop_assert_eq!(e.check().unwrap_err()[0].code(), "dev_number_out_of_range");
            }
        }

        #[test]
        fn the_age_rule_counts_months_from_the_birth_month(
            birth in 0i64..(20 * 365),
            join_offset in 3000i64..6000,
            xinjiang in any::<bool>(),
        ) {
            let birth = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(birth as u64);
            let joined = JoinMonth::of_date(birth + chrono::Days::new(join_offset as u64));
            prop_assume!(joined <= JoinMonth::of_date(today()));
            let person = id(&birth.format("%Y%m%d").to_string());
            let dev = format!("{}13000001", joined.year());
            let join = joined.to_string();
            let result = entry(&person, &join, &dev, xinjiang).check();
            let min = min_join_age(joined, xinjiang);
            // Old enough exactly when the join month is on or after the month of the
            // birthday that makes one `min`: the same calendar month `min` years on.
            let old_enough = (joined.year(), joined.month())
                >= (birth.year() + min as i32, birth.month());
            prop_assert_eq!(result.is_ok(), old_enough, "{:?}", result);
            // Equivalently: full years on the last day of the join month, except for a
            // 29 February birthday in a common year, which the month count admits in February.
            let last_day = joined.first_day() + chrono::Months::new(1) - chrono::Days::new(1);
            let parsed = IdNumber::parse(&person).unwrap();
            if !(birth.month() == 2 && birth.day() == 29) {
                prop_assert_eq!(parsed.age_on(last_day) >= min, old_enough);
            }
        }
    }
}
