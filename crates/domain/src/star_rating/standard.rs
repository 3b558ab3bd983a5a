//! A year's 对标定级 standard as 团中央 sets it: when the round is open (by default the fourth
//! quarter), the items with their maximum points (by default the eight items of the 团支部
//! 对标定级 criteria, 100 points in all) and the star bands (`StarBands::default()`).

use chrono::{Datelike, NaiveDate};

use super::StarBands;
use crate::error_code::ErrorCode;

/// The default items: the usual 团支部对标定级 criteria, 100 points in all.
pub const DEFAULT_ITEMS: &[(&str, u32)] = &[
    ("组织设置", 10),
    ("班子建设", 15),
    ("团员队伍", 10),
    ("组织生活", 20),
    ("团员教育评议", 10),
    ("团籍管理与团费收缴", 10),
    ("阵地建设", 10),
    ("作用发挥", 15),
];

/// At most this many items; an item's name at most this many characters, its points at most
/// `MAX_ITEM_POINTS`.
pub const MAX_ITEMS: usize = 20;
pub const ITEM_NAME_MAX: usize = 30;
pub const MAX_ITEM_POINTS: u32 = 100;

/// One item of the standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarItem {
    pub name: String,
    pub max_points: u32,
}

/// A year's standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarStandard {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub items: Vec<StarItem>,
    pub bands: StarBands,
}

/// Where today stands against the round's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    NotYetOpen,
    Open,
    Closed,
}

/// The standard as typed on the page or sent by the API, every value as text.
#[derive(Debug, Clone, Default)]
pub struct StandardInput {
    pub starts_on: String,
    pub ends_on: String,
    /// (name, maximum points); rows with neither are left out.
    pub items: Vec<(String, String)>,
    /// The lowest totals of five, four, three and two stars.
    pub bands: [String; 4],
}

/// Everything wrong with a standard as typed, each fault saying what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .faults.join("；"))]
pub struct StandardError {
    pub faults: Vec<String>,
    /// The first field at fault: `starts_on`, `ends_on`, `items` or `bands`.
    pub field: &'static str,
}

impl StandardError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::StarConfigInvalid
    }
}

const STAR_NAMES: [&str; 4] = ["五星级", "四星级", "三星级", "二星级"];

fn date(input: &str, what: &str, year: i32, faults: &mut Vec<String>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d") {
        Ok(d) if d.year() == year => Some(d),
        Ok(_) => {
            faults.push(format!("{what}须在{year}年内"));
            None
        }
        Err(_) => {
            faults.push(format!(
                "{what}“{}”不是日期，请按“{year}-10-01”的格式填写",
                input.chars().take(20).collect::<String>()
            ));
            None
        }
    }
}

fn points(input: &str) -> Option<u32> {
    input.trim().parse::<u32>().ok()
}

impl StarStandard {
    /// The standard of a year nobody configured: 10-01 to 12-31, the default items and bands.
    pub fn default_for(year: i32) -> Self {
        Self {
            starts_on: NaiveDate::from_ymd_opt(year, 10, 1).expect("a valid date"),
            ends_on: NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid date"),
            items: DEFAULT_ITEMS
                .iter()
                .map(|(name, max)| StarItem {
                    name: (*name).to_string(),
                    max_points: *max,
                })
                .collect(),
            bands: StarBands::default(),
        }
    }

    /// The points of all items.
    pub fn total_points(&self) -> u32 {
        self.items.iter().map(|i| i.max_points).sum()
    }

    /// Whether the round is open for self-assessment on `today` (both dates included).
    pub fn window(&self, today: NaiveDate) -> Window {
        if today < self.starts_on {
            Window::NotYetOpen
        } else if today > self.ends_on {
            Window::Closed
        } else {
            Window::Open
        }
    }

    /// The lowest totals of five, four, three and two stars.
    pub fn band_floors(&self) -> [u32; 4] {
        let mut out = [0; 4];
        for (stars, floor) in &self.bands.0 {
            if (2..=5).contains(stars) {
                out[usize::from(5 - stars)] = *floor;
            }
        }
        out
    }

    /// The standard of `year` from what was typed; every fault at once.
    pub fn parse(year: i32, input: &StandardInput) -> Result<Self, StandardError> {
        let mut faults = Vec::new();
        let mut field = None;
        let starts_on = date(&input.starts_on, "开始日期", year, &mut faults);
        if !faults.is_empty() {
            field.get_or_insert("starts_on");
        }
        let ends_on = date(&input.ends_on, "结束日期", year, &mut faults);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            faults.push("结束日期不能早于开始日期".to_string());
        }
        if !faults.is_empty() {
            field.get_or_insert("ends_on");
        }
        let before_items = faults.len();
        let mut items = Vec::new();
        for (n, (name, max)) in input.items.iter().enumerate() {
            let (name, max) = (name.trim(), max.trim());
            if name.is_empty() && max.is_empty() {
                continue;
            }
            let row = n + 1;
            if name.is_empty() {
                faults.push(format!("第{row}项没有填写名称"));
                continue;
            }
            if name.chars().count() > ITEM_NAME_MAX || name.chars().any(char::is_control) {
                faults.push(format!("第{row}项的名称须为{ITEM_NAME_MAX}字以内的文字"));
                continue;
            }
            match points(max) {
                Some(p) if (1..=MAX_ITEM_POINTS).contains(&p) => items.push(StarItem {
                    name: name.to_string(),
                    max_points: p,
                }),
                _ => faults.push(format!("“{name}”的满分须为1到{MAX_ITEM_POINTS}的整数")),
            }
        }
        if items.is_empty() && faults.len() == before_items {
            faults.push("请至少填写一个对标定级项目".to_string());
        }
        if items.len() > MAX_ITEMS {
            faults.push(format!("对标定级项目最多{MAX_ITEMS}项"));
        }
        let mut names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            faults.push(format!("项目“{}”重复了，每个项目只能填写一次", w[0]));
        }
        if faults.len() > before_items {
            field.get_or_insert("items");
        }
        let before_bands = faults.len();
        let total: u32 = items.iter().map(|i| i.max_points).sum();
        let mut floors = [0u32; 4];
        for (i, raw) in input.bands.iter().enumerate() {
            match points(raw) {
                Some(p) if p >= 1 => floors[i] = p,
                _ => faults.push(format!("{}的最低分须为正整数", STAR_NAMES[i])),
            }
        }
        if faults.len() == before_bands {
            if floors.windows(2).any(|w| w[0] <= w[1]) {
                faults.push("星级的最低分须从五星级到二星级依次降低".to_string());
            }
            if faults.len() == before_items && floors[0] > total {
                faults.push(format!(
                    "五星级的最低分（{}分）不能高于各项目满分之和（{total}分）",
                    floors[0]
                ));
            }
        }
        if faults.len() > before_bands {
            field.get_or_insert("bands");
        }
        match (starts_on, ends_on, field) {
            (Some(starts_on), Some(ends_on), None) => Ok(Self {
                starts_on,
                ends_on,
                items,
                bands: StarBands(vec![
                    (5, floors[0]),
                    (4, floors[1]),
                    (3, floors[2]),
                    (2, floors[3]),
                ]),
            }),
            (_, _, field) => Err(StandardError {
                faults,
                field: field.unwrap_or("starts_on"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(items: &[(&str, &str)], bands: [&str; 4]) -> StandardInput {
        StandardInput {
            starts_on: "2026-10-01".into(),
            ends_on: "2026-12-31".into(),
            items: items
                .iter()
                .map(|(n, m)| (n.to_string(), m.to_string()))
                .collect(),
            bands: bands.map(String::from),
        }
    }

    #[test]
    fn the_default_standard_totals_100_in_the_fourth_quarter() {
        let s = StarStandard::default_for(2026);
        assert_eq!(s.total_points(), 100);
        assert_eq!(s.band_floors(), [90, 80, 70, 60]);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(s.window(d(9, 30)), Window::NotYetOpen);
        assert_eq!(s.window(d(10, 1)), Window::Open);
        assert_eq!(s.window(d(12, 31)), Window::Open);
        assert_eq!(
            s.window(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            Window::Closed
        );
    }

    #[test]
    fn a_standard_is_parsed_with_every_fault() {
        let ok = StarStandard::parse(
            2026,
            &input(
                &[("组织建设", "60"), ("", ""), ("作用发挥", "40")],
                ["95", "85", "75", "65"],
            ),
        )
        .unwrap();
        assert_eq!(ok.items.len(), 2);
        assert_eq!(ok.bands.stars(85), Some(4));
        let e = StarStandard::parse(
            2026,
            &input(
                &[("组织建设", "0"), ("", "5"), ("作用发挥", "x")],
                ["90", "90", "70", "60"],
            ),
        )
        .unwrap_err();
        assert_eq!(e.field, "items");
        let text = e.to_string();
        for want in [
            "“组织建设”的满分",
            "第2项没有填写名称",
            "“作用发挥”的满分",
            "依次降低",
        ] {
            assert!(text.contains(want), "{text}");
        }
        let e = StarStandard::parse(
            2026,
            &input(&[("组织建设", "50")], ["90", "80", "70", "60"]),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("不能高于各项目满分之和（50分）"),
            "{e}"
        );
        assert_eq!(e.field, "bands");
        let mut bad_dates = input(&[("a", "100")], ["90", "80", "70", "60"]);
        bad_dates.starts_on = "2026-12-31".into();
        bad_dates.ends_on = "2026-10-01".into();
        assert!(
            StarStandard::parse(2026, &bad_dates)
                .unwrap_err()
                .to_string()
                .contains("不能早于")
        );
        bad_dates.starts_on = "2025-12-31".into();
        let e = StarStandard::parse(2026, &bad_dates).unwrap_err();
        assert_eq!(e.field, "starts_on");
        assert!(e.to_string().contains("须在2026年内"), "{e}");
        let e = StarStandard::parse(
            2026,
            &input(&[("a", "50"), ("a", "50")], ["90", "80", "70", "60"]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("重复"), "{e}");
    }
}
