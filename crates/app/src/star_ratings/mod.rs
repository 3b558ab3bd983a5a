//! 对标定级 (issue 16): 团中央 sets a year's standard (`config`); each eligible branch's admin
//! fills and submits its self-assessment in the round's dates (`assess`); the direct superior
//! confirms the stars with its reviewed scores or returns it (`review`); superiors follow their
//! branches (`progress`). Rules are the domain's (`tuanjian_domain::star_rating`); each change
//! is one transaction with its audit record (`tuanjian_store::star_ratings`).

pub mod assess;
pub mod config;
pub mod progress;
pub mod review;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tuanjian_domain::star_rating::round::RatingYear;
use tuanjian_domain::star_rating::standard::{StarStandard, Window};
use tuanjian_domain::star_rating::{BranchNature, ineligible};
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::orgs::Org;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// The year asked for (this year when none is given), refused in Chinese when out of range.
pub fn year_of(input: Option<&str>) -> Result<RatingYear, Fault> {
    let today = beijing_today();
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(RatingYear::current(today)),
        Some(y) => RatingYear::parse(y, today)
            .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("year")),
    }
}

/// The year's standard: the stored one, else the defaults.
pub async fn standard_of(app: &App, year: RatingYear) -> Result<StarStandard, Fault> {
    Ok(app
        .store
        .star_standard(year.get())
        .await?
        .unwrap_or_else(|| StarStandard::default_for(year.get())))
}

/// The Beijing day of a time in Unix seconds (the earliest day when out of range).
pub fn beijing_day(ts: i64) -> NaiveDate {
    let offset = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    DateTime::from_timestamp(ts, 0)
        .map(|t| t.with_timezone(&offset).date_naive())
        .unwrap_or(NaiveDate::MIN)
}

/// The day an organisation was founded, in Beijing.
pub fn founded_on(org: &Org) -> NaiveDate {
    beijing_day(org.created_at)
}

/// Why the branch is not rated in the round of `standard`, or `None` when it is.
pub fn not_rated(org: &Org, standard: &StarStandard) -> Option<&'static str> {
    ineligible(
        BranchNature::of_name(&org.full_name),
        founded_on(org),
        standard.starts_on,
    )
}

/// Refuses a branch the round does not rate, saying why.
pub(crate) fn eligible(org: &Org, year: RatingYear, standard: &StarStandard) -> Result<(), Fault> {
    match not_rated(org, standard) {
        None => Ok(()),
        Some(why) => Err(Fault::new(
            ErrorCode::StarIneligible,
            format!(
                "{}不参加{year}年度对标定级：{why}（以{}起算，成立于{}）",
                org.full_name,
                standard.starts_on.format("%Y年%-m月%-d日"),
                founded_on(org).format("%Y年%-m月%-d日")
            ),
        )),
    }
}

/// What the round's dates mean today, in Chinese, for the page and the refusals.
pub fn window_text(year: RatingYear, standard: &StarStandard, today: NaiveDate) -> String {
    let (s, e) = (
        standard.starts_on.format("%Y年%-m月%-d日"),
        standard.ends_on.format("%Y年%-m月%-d日"),
    );
    match standard.window(today) {
        Window::NotYetOpen => format!("{year}年度对标定级自评尚未开始，将于{s}开始，{e}结束"),
        Window::Open => format!("{year}年度对标定级自评时间为{s}至{e}"),
        Window::Closed => format!("{year}年度对标定级自评已于{e}结束（自评时间为{s}至{e}）"),
    }
}

/// Refuses self-assessment outside the round's dates, saying when it opens or that it closed.
pub(crate) fn open(year: RatingYear, standard: &StarStandard) -> Result<(), Fault> {
    let today = beijing_today();
    match standard.window(today) {
        Window::Open => Ok(()),
        _ => Err(Fault::new(
            ErrorCode::StarRoundClosed,
            format!(
                "{}，现在不能填写或提交自评",
                window_text(year, standard, today)
            ),
        )),
    }
}

/// A branch in the signed-in admin's scope, the action permitted on it. Outside the scope is
/// `NotFound`; an organisation that is not a branch is refused with where to look instead.
pub(crate) async fn branch_for(
    app: &App,
    user: &Signed,
    org_id: i64,
    action: Action,
) -> Result<(Authority, Org), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    if !matches!(authority, Authority::Admin(_)) {
        return Err(Fault::not_found());
    }
    permit(&authority, action, &org)?;
    if !org.kind.is_branch() {
        return Err(Fault::bad_request(
            ErrorCode::NotABranch,
            format!(
                "{}不是团支部：对标定级由各团支部自评，请在“对标定级进度”中查看下级团支部的情况",
                org.full_name
            ),
        ));
    }
    Ok((authority, org))
}

/// The branch's latest confirmed rating as its organisation page says it
/// ("2026年度对标定级：★★★★ 四星级团支部"); `None` for other organisations and before any.
pub async fn latest_text(app: &App, org: &Org) -> Result<Option<String>, Fault> {
    if !org.kind.is_branch() {
        return Ok(None);
    }
    Ok(app.store.latest_stars(org.id).await?.map(|l| {
        format!(
            "{}年度对标定级：{}",
            l.year,
            tuanjian_domain::star_rating::round::stars_text(l.stars)
        )
    }))
}
