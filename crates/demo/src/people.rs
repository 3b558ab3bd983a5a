//! People: valid, unique ID numbers, ages, join months and development numbers.

use std::collections::{HashMap, HashSet};

use anyhow::bail;
use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use tuanjian_domain::IdNumber;
use tuanjian_domain::dev_number::{NUMBERED_FROM, XINJIANG_NUMBERED_FROM};

use crate::names::PersonNames;

pub struct NewPerson {
    pub id_number: IdNumber,
    pub name: String,
    pub phone: String,
}

pub struct Membership {
    /// 'YYYY-MM'
    pub join_month: String,
    pub dev_number: Option<String>,
}

/// Hands out people; remembers every ID and development number so none repeats.
pub struct PeopleFactory {
    today: NaiveDate,
    names: PersonNames,
    /// First 17 digits of every ID number in use, as a number (membership tests only).
    taken_ids: HashSet<u64>,
    taken_dev_numbers: HashSet<String>,
    /// Next serial per (join year, two-digit code); looked up, never iterated.
    dev_serials: HashMap<(i32, String), u32>,
}

fn id_key(first17: &[u8]) -> u64 {
    first17
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'))
}

/// The same day `years` earlier; 29 February falls back to the 28th.
fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    let year = day.year() - years as i32;
    NaiveDate::from_ymd_opt(year, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .expect("valid date")
}

/// The day someone born on `birth` turns `years` (a 29 February birthday counts from 1 March).
fn anniversary(birth: NaiveDate, years: u32) -> NaiveDate {
    let year = birth.year() + years as i32;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .expect("valid date")
}

impl PeopleFactory {
    pub fn new(
        today: NaiveDate,
        names_seed: u64,
        existing_ids: impl IntoIterator<Item = String>,
        existing_dev_numbers: impl IntoIterator<Item = String>,
    ) -> Self {
        let taken_ids = existing_ids
            .into_iter()
            .filter(|id| id.len() == 18 && id.as_bytes()[..17].iter().all(u8::is_ascii_digit))
            .map(|id| id_key(&id.as_bytes()[..17]))
            .collect();
        Self {
            today,
            names: PersonNames::new(names_seed),
            taken_ids,
            taken_dev_numbers: existing_dev_numbers.into_iter().collect(),
            dev_serials: HashMap::new(),
        }
    }

    /// A birth date making the person exactly `age` today.
    fn birth_for_age(&self, rng: &mut ChaCha8Rng, age: u32) -> NaiveDate {
        let latest = years_before(self.today, age);
        let earliest = years_before(self.today, age + 1) + Days::new(1);
        let span = (latest - earliest).num_days().max(0) as u64;
        earliest + Days::new(rng.random_range(0..=span))
    }

    /// An unused ID number for the address code and birth date; the sequence's last digit is
    /// odd for men.
    fn id_number(&mut self, rng: &mut ChaCha8Rng, address: &str, birth: NaiveDate) -> IdNumber {
        let male = rng.random_bool(0.5);
        let mut first17 = [0u8; 17];
        first17[..6].copy_from_slice(address.as_bytes());
        first17[6..14].copy_from_slice(birth.format("%Y%m%d").to_string().as_bytes());
        loop {
            let seq = rng.random_range(0..500u32) * 2 + u32::from(male);
            if seq == 0 {
                continue;
            }
            first17[14] = b'0' + (seq / 100) as u8;
            first17[15] = b'0' + (seq / 10 % 10) as u8;
            first17[16] = b'0' + (seq % 10) as u8;
            if self.taken_ids.insert(id_key(&first17)) {
                let text = std::str::from_utf8(&first17).expect("ASCII digits");
                return IdNumber::from_first17(text);
            }
        }
    }

    fn phone(rng: &mut ChaCha8Rng) -> String {
        let second = [3, 5, 7, 8, 9].choose(rng).expect("not empty");
        format!("1{second}{:09}", rng.random_range(0..1_000_000_000u32))
    }

    /// A person aged within `ages`, from one of `codes`.
    pub fn person(
        &mut self,
        rng: &mut ChaCha8Rng,
        ages: (u32, u32),
        codes: &[&str],
    ) -> (NewPerson, NaiveDate) {
        let age = rng.random_range(ages.0..=ages.1);
        let birth = self.birth_for_age(rng, age);
        let address = codes.choose(rng).expect("codes are never empty");
        let person = NewPerson {
            id_number: self.id_number(rng, address, birth),
            name: self.names.next_name(),
            phone: Self::phone(rng),
        };
        (person, birth)
    }

    /// A member: most carry their branch's local address codes, the rest any of the region's.
    /// Joined at 14 to 16; numbered if joined from 2017 (新疆 and 兵团: 2016).
    pub fn member(
        &mut self,
        rng: &mut ChaCha8Rng,
        ages: (u32, u32),
        local: &[&str],
        region: &[&str],
        dev_code: Option<&str>,
        xinjiang: bool,
    ) -> anyhow::Result<(NewPerson, Membership)> {
        let codes = if local.is_empty() || rng.random_bool(0.25) {
            region
        } else {
            local
        };
        let (person, birth) = self.person(rng, ages, codes);
        let age = person.id_number.age_on(self.today);
        let join_age = rng.random_range(14..=age.clamp(14, 16));
        let from = anniversary(birth, join_age);
        let until = (anniversary(birth, join_age + 1) - Days::new(1)).min(self.today);
        let span = (until - from).num_days().max(0) as u64;
        let joined = from + Days::new(rng.random_range(0..=span));
        let numbered_from = if xinjiang {
            XINJIANG_NUMBERED_FROM
        } else {
            NUMBERED_FROM
        };
        let dev_number = if joined.year() >= numbered_from {
            let code = dev_code.unwrap_or_else(|| person.id_number.province_prefix());
            Some(self.dev_number(joined.year(), code)?)
        } else {
            None
        };
        let membership = Membership {
            join_month: joined.format("%Y-%m").to_string(),
            dev_number,
        };
        Ok((person, membership))
    }

    /// 12 digits: join year, two-digit province code, six-digit serial.
    fn dev_number(&mut self, year: i32, code: &str) -> anyhow::Result<String> {
        let serial = self
            .dev_serials
            .entry((year, code.to_string()))
            .or_insert(0);
        loop {
            *serial += 1;
            if *serial > 999_999 {
                bail!("{year} 年代码 {code} 的发展团员编号已用尽，请减少演示团员人数");
            }
            let number = format!("{year}{code}{:06}", *serial);
            if !self.taken_dev_numbers.contains(&number) {
                return Ok(number);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn members_follow_the_rules() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut factory = PeopleFactory::new(today(), 3, [], []);
        let mut seen = HashSet::new();
        for i in 0..2000 {
            let xinjiang = i % 2 == 0;
            let (p, m) = factory
                .member(
                    &mut rng,
                    (14, 28),
                    &["130102"],
                    &["130104", "130105"],
                    Some("13"),
                    xinjiang,
                )
                .unwrap();
            let id = IdNumber::parse_on(p.id_number.as_str(), today()).unwrap();
            assert!(seen.insert(id.as_str().to_string()));
            let age = id.age_on(today());
            assert!((14..=28).contains(&age), "{age}");
            let joined =
                NaiveDate::parse_from_str(&format!("{}-01", m.join_month), "%Y-%m-%d").unwrap();
            assert!(joined <= today());
            // The joining rule's own count (months): at least 13.
            let month = tuanjian_domain::JoinMonth::of_date(joined);
            assert!(
                tuanjian_domain::entry_rules::join_age(&id, month) >= 13,
                "{} {}",
                id.as_str(),
                m.join_month
            );
            let threshold = if xinjiang {
                XINJIANG_NUMBERED_FROM
            } else {
                NUMBERED_FROM
            };
            match &m.dev_number {
                Some(d) => {
                    assert_eq!(d.len(), 12);
                    assert_eq!(&d[..4], &m.join_month[..4]);
                    assert_eq!(&d[4..6], "13");
                    assert!(joined.year() >= threshold);
                }
                None => assert!(joined.year() < threshold),
            }
            assert_eq!(p.phone.len(), 11);
        }
    }

    #[test]
    fn ages_are_exact() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let factory = PeopleFactory::new(today(), 1, [], []);
        for age in [14, 20, 28] {
            for _ in 0..200 {
                let birth = factory.birth_for_age(&mut rng, age);
                let id = IdNumber::from_first17(&format!("130102{}001", birth.format("%Y%m%d")));
                assert_eq!(id.age_on(today()), age);
            }
        }
    }
}
