//! 评议进度: a superior's view of its branches' rounds of a year.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::reviews::progress::{ChildProgress, Progress, progress};
use tuanjian_domain::review::{ReviewYear, RoundState};
use tuanjian_store::entry_faults::beijing_today;

use crate::auth::user::PageUser;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "reviews_progress.html")]
struct ProgressPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    p: Progress,
    years: Vec<i32>,
    org_is_branch: bool,
}

impl ProgressPage {
    /// Where a child's row links: a branch's round, any other organisation's progress.
    fn link(&self, c: &ChildProgress) -> String {
        let year = self.p.year;
        match c.state {
            Some(_) => format!("/orgs/{}/reviews?year={year}", c.org_id),
            None => format!("/orgs/{}/reviews/progress?year={year}", c.org_id),
        }
    }

    fn state_class(&self, s: &RoundState) -> &'static str {
        match s {
            RoundState::Certified => "badge ok",
            RoundState::NotStarted | RoundState::Returned => "badge warn",
            _ => "badge",
        }
    }
}

#[derive(Deserialize)]
pub struct ProgressQuery {
    year: Option<String>,
    late: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ProgressQuery>,
) -> PageResult {
    let late = q.late.as_deref() == Some("1");
    let p = progress(&state, &user, parse_id(&raw)?, q.year.as_deref(), late).await?;
    let page = ProgressPage {
        nav: Some(Nav::for_authority(&state, &user, &p.authority).await?),
        crumbs: OrgCrumbs::read(&state, &p.authority, p.org.id, "评议进度").await?,
        years: ReviewYear::choices(beijing_today())
            .iter()
            .map(|y| y.get())
            .collect(),
        org_is_branch: p.org.kind.is_branch(),
        p,
    };
    Ok(Html(page.render()?).into_response())
}
