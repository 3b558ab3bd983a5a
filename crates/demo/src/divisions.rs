//! Today's prefectures and counties: names for the demo tree and address codes for ID numbers.
//!
//! The domain crate's address table also holds abolished codes (an old ID keeps its code); demo
//! organisations should carry names that exist now, so this crate ships its own current table.

use std::sync::OnceLock;

static TABLE: &str = include_str!("../data/divisions.tsv");

pub struct County {
    pub code: &'static str,
    pub name: &'static str,
}

pub struct City {
    /// Four digits, e.g. "1301".
    pub code: &'static str,
    pub name: &'static str,
    /// County-level divisions under it; empty for cities without counties (东莞, 中山, 儋州, 嘉峪关).
    pub counties: Vec<County>,
    /// Address codes people of this city may carry: its counties, or the city's own "xxxx00" code.
    pub id_codes: Vec<&'static str>,
}

pub struct Province {
    /// Two digits, e.g. "13".
    pub code: &'static str,
    pub cities: Vec<City>,
    /// Every address code of the province, in code order.
    pub id_codes: Vec<&'static str>,
}

fn all() -> &'static [Province] {
    static PARSED: OnceLock<Vec<Province>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut provinces: Vec<Province> = Vec::new();
        // The table is sorted by code, so a city line precedes its counties.
        for (code, name) in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('\t'))
        {
            let prefix = &code[..2];
            if provinces.last().is_none_or(|p| p.code != prefix) {
                provinces.push(Province {
                    code: prefix,
                    cities: Vec::new(),
                    id_codes: Vec::new(),
                });
            }
            let province = provinces.last_mut().expect("pushed above");
            if code.len() == 4 {
                province.cities.push(City {
                    code,
                    name,
                    counties: Vec::new(),
                    id_codes: Vec::new(),
                });
                continue;
            }
            let Some(city) = province
                .cities
                .last_mut()
                .filter(|c| code.starts_with(c.code))
            else {
                continue;
            };
            city.id_codes.push(code);
            province.id_codes.push(code);
            // "441900 东莞市" and "620201 嘉峪关市" are the city itself, not a county below it.
            if name != city.name {
                city.counties.push(County { code, name });
            }
        }
        provinces
    })
}

pub fn province(code: &str) -> Option<&'static Province> {
    all().iter().find(|p| p.code == code)
}

/// Every current address code in the country, for people of the 系统团委.
pub fn national_id_codes() -> &'static [&'static str] {
    static CODES: OnceLock<Vec<&'static str>> = OnceLock::new();
    CODES.get_or_init(|| {
        all()
            .iter()
            .flat_map(|p| p.id_codes.iter().copied())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use tuanjian_domain::address_codes;

    #[test]
    fn every_code_is_a_known_address_code() {
        for code in super::national_id_codes() {
            assert!(address_codes::lookup(code).is_some(), "{code}");
        }
        assert!(super::national_id_codes().len() > 2800);
    }

    #[test]
    fn cities_hold_their_counties() {
        let hebei = super::province("13").unwrap();
        let sjz = &hebei.cities[0];
        assert_eq!(sjz.name, "石家庄市");
        assert_eq!(sjz.counties[0].name, "长安区");
        let gd = super::province("44").unwrap();
        let dg = gd.cities.iter().find(|c| c.code == "4419").unwrap();
        assert!(dg.counties.is_empty());
        assert_eq!(dg.id_codes, vec!["441900"]);
        let gansu = super::province("62").unwrap();
        let jyg = gansu.cities.iter().find(|c| c.code == "6202").unwrap();
        assert!(jyg.counties.is_empty());
    }
}
