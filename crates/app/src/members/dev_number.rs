//! The next free 发展团员编号 proposed on the member entry form (issue 13): what the branch's
//! 号段 offer for the entered 入团年月's year, said in words the admin can act on.

use tuanjian_domain::dev_number::{DEV_NUMBER_LEN, accepted_years};
use tuanjian_domain::join_month::{FIRST_YEAR, JoinMonth};
use tuanjian_store::next_dev_number::NextDevNumber;
use tuanjian_store::orgs::Org;

use super::entry::entry_target;
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The proposal for one year, with the sentence the form shows beside the field.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub year: i32,
    /// The number to fill in, when there is one.
    pub number: Option<String>,
    /// `free`, `province_has_none`, `branch_has_none` or `full`.
    pub state: &'static str,
    pub message: String,
}

/// Who hands 号段 down, said wherever a branch has none.
const WHO_ALLOCATES: &str = "号段由省级团委按年度分配给下级组织，再由各级组织逐级分配到团支部：请联系本团支部的上级团组织分配号段";

impl Proposal {
    fn new(year: i32, next: NextDevNumber) -> Self {
        let (number, state, message) = match next {
            NextDevNumber::Free(n) => (
                Some(n.as_str().to_string()),
                "free",
                format!("建议使用本团支部号段内下一个未用的编号 {n}（保存时仍会检查）"),
            ),
            NextDevNumber::ProvinceHasNone => (
                None,
                "province_has_none",
                format!(
                    "本省没有分配{year}年的号段，无法推荐编号：请按本省的编号规则填写{DEV_NUMBER_LEN}位数字，前4位为{}",
                    years(year)
                ),
            ),
            NextDevNumber::BranchHasNone => (
                None,
                "branch_has_none",
                format!("本团支部及其上级组织都没有{year}年的号段。{WHO_ALLOCATES}"),
            ),
            NextDevNumber::Full(ranges) => (
                None,
                "full",
                format!(
                    "本团支部{year}年的号段（{}）已全部使用。{WHO_ALLOCATES}",
                    ranges
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ),
        };
        Self {
            year,
            number,
            state,
            message,
        }
    }
}

fn years(year: i32) -> String {
    accepted_years(year)
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join("或")
}

/// The join year read from a year (`2024`) or a typed 入团年月 (any form the entry form
/// accepts); the month wins when both are given.
pub fn join_year(year: Option<&str>, join_month: Option<&str>) -> Result<i32, Fault> {
    if let Some(month) = join_month.map(str::trim).filter(|m| !m.is_empty()) {
        return JoinMonth::parse_on(month, today())
            .map(JoinMonth::year)
            .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("join_month"));
    }
    let bad = |text: String| {
        Fault::bad_request(tuanjian_domain::ErrorCode::QueryInvalid, text).field("year")
    };
    match year.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => match y.parse::<i32>() {
            Ok(y) if (FIRST_YEAR..=today_year()).contains(&y) => Ok(y),
            _ => Err(bad(format!(
                "入团年份“{y}”不对：应为{FIRST_YEAR}年至今年之间的四位年份，如 2024"
            ))),
        },
        None => Err(bad(
            "请给出入团年份（year=2024）或入团年月（join_month=2024-05）".to_string(),
        )),
    }
}

fn today_year() -> i32 {
    use chrono::Datelike;
    today().year()
}

/// The proposal for a member joining the 团支部 `org_id` in `year`, for an admin who may
/// enter members there.
pub async fn next_free(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: i32,
) -> Result<(Org, Proposal), Fault> {
    let org = entry_target(app, user, org_id, true).await?;
    proposal(app, &org, year).await.map(|p| (org, p))
}

/// The proposal for a branch already checked with `entry_target`.
pub async fn proposal(app: &App, branch: &Org, year: i32) -> Result<Proposal, Fault> {
    let next = app.store.next_dev_number(branch, year).await?;
    Ok(Proposal::new(year, next))
}
