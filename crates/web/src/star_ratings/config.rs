//! 对标定级设置: 团中央's admin sets a year's self-assessment dates, items and star bands.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use chrono::Datelike;
use tuanjian_app::star_ratings::config::{configure, show as show_uc};
use tuanjian_domain::star_rating::round::RatingYear;
use tuanjian_domain::star_rating::standard::{
    ITEM_NAME_MAX, MAX_ITEMS, StandardInput, StarStandard,
};
use tuanjian_store::entry_faults::beijing_today;

use super::shown_on_page;
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::PageQuery;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// Blank rows offered under the items for adding more.
const SPARE_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "star_rating_config.html")]
struct ConfigPage {
    nav: Option<Nav>,
    csrf: String,
    year: i32,
    years: Vec<i32>,
    stored: bool,
    input: StandardInput,
    total_points: u32,
    name_max: usize,
    notice: Option<&'static str>,
    error: Option<String>,
}

fn input_of(s: &StarStandard) -> StandardInput {
    let mut items: Vec<(String, String)> = s
        .items
        .iter()
        .map(|i| (i.name.clone(), i.max_points.to_string()))
        .collect();
    items.extend(std::iter::repeat_n(
        (String::new(), String::new()),
        SPARE_ROWS,
    ));
    items.truncate(MAX_ITEMS.max(s.items.len()));
    StandardInput {
        starts_on: s.starts_on.format("%Y-%m-%d").to_string(),
        ends_on: s.ends_on.format("%Y-%m-%d").to_string(),
        items,
        bands: s.band_floors().map(|f| f.to_string()),
    }
}

async fn render(
    state: &AppState,
    user: &Signed,
    year: Option<&str>,
    typed: Option<StandardInput>,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let v = show_uc(state, user, year).await?;
    let today = beijing_today();
    let this = RatingYear::current(today).get();
    let page = ConfigPage {
        nav: Some(Nav::for_authority(state, user, &v.authority).await?),
        csrf: user.session.csrf_token.clone(),
        year: v.year.get(),
        years: vec![this + 1, this, this - 1],
        stored: v.stored,
        total_points: v.standard.total_points(),
        input: typed.unwrap_or_else(|| input_of(&v.standard)),
        name_max: ITEM_NAME_MAX,
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(serde::Deserialize)]
pub struct ConfigQuery {
    year: Option<String>,
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(q): PageQuery<ConfigQuery>,
) -> PageResult {
    let notice = (q.done.as_deref() == Some("saved")).then_some("对标定级标准已保存。");
    render(&state, &user, q.year.as_deref(), None, notice, None).await
}

/// The form names the items' fields `name_N` and `max_N` (N = 1, 2, ...), read as pairs.
pub async fn save_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let mut year = String::new();
    let mut input = StandardInput::default();
    let mut items: Vec<(usize, String, String)> = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "year" => year = v,
            "starts_on" => input.starts_on = v,
            "ends_on" => input.ends_on = v,
            "five" => input.bands[0] = v,
            "four" => input.bands[1] = v,
            "three" => input.bands[2] = v,
            "two" => input.bands[3] = v,
            _ => {
                let Some((field, n)) = k.rsplit_once('_') else {
                    continue;
                };
                let Ok(n) = n.parse::<usize>() else { continue };
                if n == 0 || n > MAX_ITEMS + SPARE_ROWS {
                    continue;
                }
                let at = match items.iter().position(|(i, _, _)| *i == n) {
                    Some(at) => at,
                    None => {
                        items.push((n, String::new(), String::new()));
                        items.len() - 1
                    }
                };
                match field {
                    "name" => items[at].1 = v,
                    "max" => items[at].2 = v,
                    _ => {}
                }
            }
        }
    }
    items.sort_by_key(|(n, _, _)| *n);
    input.items = items.into_iter().map(|(_, n, m)| (n, m)).collect();
    match configure(&state, &user, &year, &input).await {
        Ok((saved, _)) => Ok(Redirect::to(&format!(
            "/star-ratings/config?year={}&done=saved",
            saved.starts_on.year()
        ))
        .into_response()),
        Err(f) if shown_on_page(&f) => {
            let shown_year = (f.field != Some("year")).then_some(year.as_str());
            let mut res = render(
                &state,
                &user,
                shown_year,
                (f.field != Some("year")).then_some(input),
                None,
                Some(f.message.clone()),
            )
            .await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}
