//! The provincial-level committees `init` created, with the places the demo tree puts under them.

use anyhow::Context;
use tuanjian_domain::provinces::PROVINCIAL_COMMITTEES;
use tuanjian_store::demo_data::ProvincialOrg;

use crate::divisions::{self, City};
use crate::names::{self, committee_full, committee_short};

/// A second-level body to create: 市级团委, a 直辖市's 区级团委 or a 兵团 师市团委.
pub struct Municipal {
    pub short: String,
    pub full: String,
    /// Prefix of the names of bodies below it (石家庄市, 北京市东城区, 第八师石河子市).
    pub loc: String,
    /// `loc` as people say it in short names (石家庄市, 东城区).
    pub short_loc: String,
    pub counties: Vec<CountyPlace>,
    pub id_codes: &'static [&'static str],
}

pub struct CountyPlace {
    pub short: String,
    pub full: String,
    pub loc: String,
    pub short_loc: String,
    pub id_codes: &'static [&'static str],
}

pub struct Region {
    pub org: ProvincialOrg,
    /// Two-digit prefix, "66" for the 兵团; `None` for the 系统团委.
    pub code: Option<&'static str>,
    /// Relative size (residents in units of 10,000, 2020 census), for sharing members out.
    pub weight: u64,
    /// 河北, 北京, 兵团: what university names start with.
    pub abbr: String,
    pub municipals: Vec<Municipal>,
    /// Address codes for people of the region.
    pub id_codes: &'static [&'static str],
    /// Grassroots bodies of a 系统团委.
    pub system_units: &'static [&'static str],
    pub universities: Vec<String>,
}

/// Order in which regions join the tree as the member count grows: a varied few first
/// (a province with counties, 新疆 for its age rules, a 直辖市, a large province, the 兵团).
pub const PRIORITY: [&str; 32] = [
    "13", "65", "11", "44", "66", "32", "51", "37", "41", "33", "42", "43", "34", "35", "36", "21",
    "22", "23", "31", "12", "50", "14", "15", "45", "46", "52", "53", "54", "61", "62", "63", "64",
];

/// Resident population in units of 10,000: 第七次全国人口普查 (2020), 国家统计局《第七次全国人口
/// 普查公报（第三号）——地区人口情况》, 2021-05-11; the 兵团 from its 2020 statistical bulletin.
/// The league publishes no membership by province, so members are shared out in proportion
/// to residents (广东 is the largest at about 8.9 %, 西藏 the smallest).
fn population(code: &str) -> u64 {
    match code {
        "11" => 2189,
        "12" => 1387,
        "13" => 7461,
        "14" => 3492,
        "15" => 2405,
        "21" => 4259,
        "22" => 2407,
        "23" => 3185,
        "31" => 2487,
        "32" => 8475,
        "33" => 6457,
        "34" => 6103,
        "35" => 4154,
        "36" => 4519,
        "37" => 10153,
        "41" => 9937,
        "42" => 5775,
        "43" => 6644,
        "44" => 12601,
        "45" => 5013,
        "46" => 1008,
        "50" => 3205,
        "51" => 8367,
        "52" => 3856,
        "53" => 4721,
        "54" => 365,
        "61" => 3953,
        "62" => 2502,
        "63" => 592,
        "64" => 720,
        "65" => 2225,
        "66" => 360,
        _ => 0,
    }
}

const MUNICIPALITIES: [&str; 4] = ["11", "12", "31", "50"];

/// The 兵团's divisions (师) and the city each runs, as address codes where one exists.
const BINGTUAN_DIVISIONS: &[(&str, Option<&str>)] = &[
    ("第一师阿拉尔市", Some("659002")),
    ("第二师铁门关市", Some("659006")),
    ("第三师图木舒克市", Some("659003")),
    ("第四师可克达拉市", Some("659008")),
    ("第五师双河市", Some("659007")),
    ("第六师五家渠市", Some("659004")),
    ("第七师胡杨河市", Some("659010")),
    ("第八师石河子市", Some("659001")),
    ("第九师白杨市", Some("659012")),
    ("第十师北屯市", Some("659005")),
    ("第十一师", None),
    ("第十二师", None),
    ("第十三师新星市", Some("659011")),
    ("第十四师昆玉市", Some("659009")),
];

const BINGTUAN_UNIVERSITIES: &[&str] = &["石河子大学", "塔里木大学", "兵团兴新职业技术学院"];

/// The one-code slice of `code` inside the city's static list, so places can borrow it forever.
fn one_code(city: &'static City, code: &str) -> &'static [&'static str] {
    match city.id_codes.iter().position(|c| *c == code) {
        Some(i) => &city.id_codes[i..=i],
        None => &city.id_codes[..],
    }
}

fn is_direct_counties(city: &City) -> bool {
    city.name.ends_with("直辖县级行政区划")
}

/// A county under a prefecture: districts carry the city's name (长春市朝阳区); other county
/// names are unique in the country and stand alone (正定县).
fn county_place(city_loc: &str, city: &'static City, code: &str, name: &str) -> CountyPlace {
    let loc = if name.ends_with('区') {
        format!("{city_loc}{name}")
    } else {
        name.to_string()
    };
    CountyPlace {
        short: committee_short(name),
        full: committee_full(&loc),
        loc,
        short_loc: names::short_place(name),
        id_codes: one_code(city, code),
    }
}

/// A division that stands directly under the provincial committee.
fn municipal_alone(loc: String, short_name: &str, id_codes: &'static [&'static str]) -> Municipal {
    Municipal {
        short: committee_short(short_name),
        full: committee_full(&loc),
        short_loc: names::short_place(short_name),
        loc,
        counties: Vec::new(),
        id_codes,
    }
}

fn province_municipals(code: &str, place: &str) -> Vec<Municipal> {
    let Some(province) = divisions::province(code) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for city in &province.cities {
        if MUNICIPALITIES.contains(&code) {
            // A 直辖市's districts stand in the place of prefectures.
            for county in &city.counties {
                let loc = if county.name.ends_with('区') {
                    format!("{place}{}", county.name)
                } else {
                    county.name.to_string()
                };
                out.push(municipal_alone(
                    loc,
                    county.name,
                    one_code(city, county.code),
                ));
            }
        } else if is_direct_counties(city) {
            // 6590: the 兵团's cities belong to the 兵团 region.
            if city.code == "6590" {
                continue;
            }
            for county in &city.counties {
                out.push(municipal_alone(
                    county.name.to_string(),
                    county.name,
                    one_code(city, county.code),
                ));
            }
        } else {
            let city_loc = names::short_place(city.name);
            let city_loc = if city.name.contains("自治") {
                city_loc
            } else {
                city.name.to_string()
            };
            out.push(Municipal {
                short: committee_short(city.name),
                full: committee_full(city.name),
                loc: city_loc.clone(),
                short_loc: city_loc.clone(),
                counties: city
                    .counties
                    .iter()
                    .map(|c| county_place(&city_loc, city, c.code, c.name))
                    .collect(),
                id_codes: &city.id_codes,
            });
        }
    }
    out
}

fn bingtuan_municipals() -> Vec<Municipal> {
    let xinjiang = divisions::province("65").expect("新疆 is in the table");
    let cities = xinjiang
        .cities
        .iter()
        .find(|c| c.code == "6590")
        .expect("兵团 cities are in the table");
    let urumqi = &xinjiang.cities[0];
    BINGTUAN_DIVISIONS
        .iter()
        .map(|(name, code)| Municipal {
            short: format!("{name}团委"),
            full: committee_full(&format!("新疆生产建设兵团{name}")),
            loc: (*name).to_string(),
            short_loc: (*name).to_string(),
            counties: Vec::new(),
            id_codes: match code {
                Some(code) => one_code(cities, code),
                None => &urumqi.id_codes,
            },
        })
        .collect()
}

/// "团河北省委" → "河北"; "团广西区委" → "广西".
fn abbreviation(short_name: &str) -> String {
    let s = short_name.strip_prefix('团').unwrap_or(short_name);
    ["省委", "市委", "区委"]
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix))
        .unwrap_or(s)
        .to_string()
}

/// "共青团河北省委员会" → "河北省".
fn place_of(full_name: &str) -> &str {
    full_name
        .strip_prefix("共青团")
        .and_then(|s| s.strip_suffix("委员会"))
        .unwrap_or(full_name)
}

/// Pairs each stored provincial-level committee with its places. Committees `init` did not
/// create (none today) are left out.
pub fn build(existing: Vec<ProvincialOrg>) -> anyhow::Result<Vec<Region>> {
    let mut regions = Vec::new();
    for org in existing {
        let Some(committee) = PROVINCIAL_COMMITTEES
            .iter()
            .find(|p| p.full_name == org.full_name)
        else {
            continue;
        };
        let code = committee.code;
        let (municipals, id_codes, abbr, universities, system_units) = match code {
            Some("66") => {
                let xinjiang = divisions::province("65").context("行政区划表缺少新疆")?;
                let codes = &xinjiang.id_codes[..];
                let abbr = "兵团".to_string();
                let unis = BINGTUAN_UNIVERSITIES
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                (bingtuan_municipals(), codes, abbr, unis, &[][..])
            }
            Some(code) => {
                let province = divisions::province(code)
                    .with_context(|| format!("行政区划表缺少省级代码 {code}"))?;
                let abbr = abbreviation(&org.short_name);
                let unis = names::UNIVERSITIES
                    .iter()
                    .map(|t| format!("{abbr}{t}"))
                    .collect();
                (
                    province_municipals(code, place_of(&org.full_name)),
                    &province.id_codes[..],
                    abbr,
                    unis,
                    &[][..],
                )
            }
            None => {
                let units = names::SYSTEM_UNITS
                    .iter()
                    .find(|(full, _)| *full == org.full_name)
                    .map_or(&[][..], |(_, units)| *units);
                (
                    Vec::new(),
                    divisions::national_id_codes(),
                    String::new(),
                    Vec::new(),
                    units,
                )
            }
        };
        regions.push(Region {
            weight: code.map_or(0, population),
            code,
            abbr,
            municipals,
            id_codes,
            system_units,
            universities,
            org,
        });
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_domain::OrgKind;

    fn org(short: &str, full: &str, kind: OrgKind) -> ProvincialOrg {
        ProvincialOrg {
            id: 2,
            path: "/1/2/".into(),
            short_name: short.into(),
            full_name: full.into(),
            kind,
            xinjiang: false,
        }
    }

    #[test]
    fn places_under_the_provinces() {
        let regions = build(vec![
            org("团河北省委", "共青团河北省委员会", OrgKind::Committee),
            org("团北京市委", "共青团北京市委员会", OrgKind::Committee),
            org(
                "兵团团委",
                "共青团新疆生产建设兵团委员会",
                OrgKind::Committee,
            ),
            org(
                "中央企业团工委",
                "共青团中央企业工作委员会",
                OrgKind::WorkCommittee,
            ),
        ])
        .unwrap();
        let hebei = &regions[0];
        assert_eq!(hebei.abbr, "河北");
        assert_eq!(hebei.municipals[0].full, "共青团石家庄市委员会");
        assert_eq!(hebei.municipals[0].short, "团石家庄市委");
        let changan = &hebei.municipals[0].counties[0];
        assert_eq!(changan.full, "共青团石家庄市长安区委员会");
        assert_eq!(changan.short, "团长安区委");
        assert_eq!(changan.id_codes, ["130102"]);
        let beijing = &regions[1];
        assert_eq!(beijing.municipals[0].full, "共青团北京市东城区委员会");
        assert!(beijing.municipals[0].counties.is_empty());
        let bingtuan = &regions[2];
        assert_eq!(bingtuan.code, Some("66"));
        assert_eq!(bingtuan.municipals.len(), 14);
        assert_eq!(
            bingtuan.municipals[7].full,
            "共青团新疆生产建设兵团第八师石河子市委员会"
        );
        assert_eq!(bingtuan.municipals[7].id_codes, ["659001"]);
        assert_eq!(regions[3].system_units.len(), 2);
        assert_eq!(regions[3].code, None);
    }

    #[test]
    fn xinjiang_leaves_the_bingtuan_cities_to_the_bingtuan() {
        let regions = build(vec![org(
            "团新疆区委",
            "共青团新疆维吾尔自治区委员会",
            OrgKind::Committee,
        )])
        .unwrap();
        let names: Vec<_> = regions[0].municipals.iter().map(|m| &m.full).collect();
        assert!(names.iter().all(|n| !n.contains("石河子")), "{names:?}");
        assert!(
            names
                .iter()
                .any(|n| n.as_str() == "共青团昌吉回族自治州委员会")
        );
        let changji = regions[0]
            .municipals
            .iter()
            .find(|m| m.full == "共青团昌吉回族自治州委员会")
            .unwrap();
        assert_eq!(changji.short, "团昌吉州委");
    }
}
