//! 对标定级进度: a superior's view of its branches' ratings of a year, by standing and stars.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::star_ratings::progress::{ChildStars, Standing, StarProgress, progress};
use tuanjian_domain::star_rating::round::{RatingState, RatingYear, stars_text};
use tuanjian_store::entry_faults::beijing_today;

use crate::auth::user::PageUser;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "star_rating_progress.html")]
struct ProgressPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    p: StarProgress,
    years: Vec<i32>,
    org_is_branch: bool,
}

impl ProgressPage {
    /// Where a child's row links: a branch's rating, any other organisation's progress.
    fn link(&self, c: &ChildStars) -> String {
        let year = self.p.year;
        match c.standing {
            Some(_) => format!("/orgs/{}/star-ratings?year={year}", c.org_id),
            None => format!("/orgs/{}/star-ratings/progress?year={year}", c.org_id),
        }
    }

    fn standing_class(&self, s: &Standing) -> &'static str {
        match s {
            Standing::Rating(RatingState::Confirmed) => "badge ok",
            Standing::Rating(RatingState::NotStarted | RatingState::Returned) => "badge warn",
            _ => "badge",
        }
    }

    fn stars_of(&self, c: &ChildStars) -> String {
        match c.standing {
            Some(Standing::Rating(RatingState::Confirmed)) => stars_text(c.stars),
            _ => String::new(),
        }
    }
}

#[derive(Deserialize)]
pub struct ProgressQuery {
    year: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ProgressQuery>,
) -> PageResult {
    let p = progress(&state, &user, parse_id(&raw)?, q.year.as_deref()).await?;
    let page = ProgressPage {
        nav: Some(Nav::for_authority(&state, &user, &p.authority).await?),
        crumbs: OrgCrumbs::read(&state, &p.authority, p.org.id, "对标定级进度").await?,
        years: RatingYear::choices(beijing_today())
            .iter()
            .map(|y| y.get())
            .collect(),
        org_is_branch: p.org.kind.is_branch(),
        p,
    };
    Ok(Html(page.render()?).into_response())
}
