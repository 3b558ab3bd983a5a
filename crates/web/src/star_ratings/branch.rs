//! A branch's 对标定级 page: its admin fills each item's score and note, saves a draft or
//! submits; the direct superior sets the reviewed scores and confirms, or returns it with a
//! comment. The total and the stars it gives are shown.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::beijing::beijing;
use tuanjian_app::star_ratings::assess::{BranchRating, ScoreInput, save, show as show_uc, submit};
use tuanjian_app::star_ratings::review::{confirm, return_rating};
use tuanjian_domain::star_rating::round::{NOTE_MAX, RatingState, stars_text};
use tuanjian_domain::star_rating::standard::Window;

use super::shown_on_page;
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// An item's row: what is stored, or what was just typed when the form comes back refused.
pub struct ItemRow {
    pub seq: usize,
    pub name: String,
    pub max_points: u32,
    pub self_score: String,
    pub note: String,
    /// The superior's score: stored once confirmed, else the branch's own as the default.
    pub reviewed: String,
}

#[derive(Template)]
#[template(path = "star_rating_branch.html")]
struct BranchPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org_id: i64,
    org_name: String,
    year: i32,
    years: Vec<i32>,
    state: RatingState,
    state_label: &'static str,
    ineligible: Option<&'static str>,
    window_text: String,
    window_open: bool,
    comment: String,
    decided: String,
    rows: Vec<ItemRow>,
    total_points: u32,
    scored: usize,
    self_total: u32,
    self_stars: String,
    confirmed_total: Option<u32>,
    confirmed_stars: String,
    bands: String,
    editable: bool,
    may_assess: bool,
    reviewable: bool,
    note_max: usize,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RatingQuery {
    pub year: Option<String>,
    pub done: Option<String>,
}

fn notice_of(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("自评已保存为草稿。全部项目填写后，请点击“保存并提交上级审核”。"),
        "submitted" => Some("自评已提交，等待上级组织审核确认。"),
        "confirmed" => Some("已审核确认，星级已确定。"),
        "returned" => Some("已退回团支部修改，并附上退回意见。"),
        _ => None,
    }
}

/// What was typed, by item: self scores and notes, or reviewed scores.
#[derive(Default)]
struct Typed {
    scores: Vec<ScoreInput>,
    reviewed: Vec<ScoreInput>,
}

fn typed_of(list: &[ScoreInput], seq: usize) -> Option<&ScoreInput> {
    list.iter().find(|i| i.item == seq.to_string())
}

async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
    typed: Option<&Typed>,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let r: BranchRating = show_uc(state, user, org_id, year).await?;
    let rows = r
        .standard
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let seq = i + 1;
            let stored = r.score(seq);
            let own = stored
                .and_then(|s| s.self_score)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let t = typed.and_then(|t| typed_of(&t.scores, seq));
            let tr = typed.and_then(|t| typed_of(&t.reviewed, seq));
            ItemRow {
                seq,
                name: item.name.clone(),
                max_points: item.max_points,
                self_score: t.map_or(own.clone(), |t| t.score.clone()),
                note: t.map_or_else(
                    || stored.and_then(|s| s.note.clone()).unwrap_or_default(),
                    |t| t.note.clone(),
                ),
                reviewed: tr.map_or_else(
                    || {
                        stored
                            .and_then(|s| s.reviewed_score)
                            .map_or(own.clone(), |s| s.to_string())
                    },
                    |t| t.score.clone(),
                ),
            }
        })
        .collect();
    let state_now = r.state();
    let confirmed = r.rating.as_ref().filter(|x| x.reviewed_total.is_some());
    let bands = r
        .standard
        .band_floors()
        .iter()
        .zip(["五星级", "四星级", "三星级", "二星级"])
        .map(|(f, s)| format!("{s}{f}分及以上"))
        .collect::<Vec<_>>()
        .join("，");
    let page = BranchPage {
        nav: Some(Nav::for_authority(state, user, &r.authority).await?),
        crumbs: OrgCrumbs::read(state, &r.authority, r.org.id, "对标定级").await?,
        csrf: user.session.csrf_token.clone(),
        org_id: r.org.id,
        org_name: r.org.full_name.clone(),
        year: r.year.get(),
        years: tuanjian_domain::star_rating::round::RatingYear::choices(
            tuanjian_store::entry_faults::beijing_today(),
        )
        .iter()
        .map(|y| y.get())
        .collect(),
        state: state_now,
        state_label: state_now.label(),
        ineligible: r.ineligible,
        window_text: r.window_text.clone(),
        window_open: r.window == Window::Open,
        comment: r
            .rating
            .as_ref()
            .and_then(|x| x.comment.clone())
            .unwrap_or_default(),
        decided: r
            .rating
            .as_ref()
            .and_then(|x| {
                x.decided_at.map(|t| {
                    format!(
                        "{} {}",
                        x.decided_by_name.clone().unwrap_or_default(),
                        beijing(t)
                    )
                })
            })
            .unwrap_or_default(),
        rows,
        total_points: r.standard.total_points(),
        scored: r.scored(),
        self_total: r.self_total(),
        self_stars: stars_text(r.self_stars()),
        confirmed_total: confirmed.and_then(|x| x.reviewed_total),
        confirmed_stars: confirmed.map(|x| stars_text(x.stars)).unwrap_or_default(),
        bands,
        editable: r.editable(),
        may_assess: r.may_assess,
        reviewable: r.reviewable(),
        note_max: NOTE_MAX,
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<RatingQuery>,
) -> PageResult {
    let notice = notice_of(q.done.as_deref());
    render(
        &state,
        &user,
        parse_id(&raw)?,
        q.year.as_deref(),
        None,
        notice,
        None,
    )
    .await
}

fn done(org_id: i64, year: i32, what: &str) -> PageResult {
    Ok(Redirect::to(&format!(
        "/orgs/{org_id}/star-ratings?year={year}&done={what}"
    ))
    .into_response())
}

async fn refused(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    year: &str,
    typed: Option<&Typed>,
    f: Fault,
) -> PageResult {
    if !shown_on_page(&f) {
        return Err(PageError(f));
    }
    // A bad year cannot show the page of that year: show this year's with the message.
    let year = (f.field != Some("year")).then_some(year);
    let mut res = render(
        state,
        user,
        org_id,
        year,
        typed,
        None,
        Some(f.message.clone()),
    )
    .await?;
    *res.status_mut() = f.status();
    Ok(res)
}

/// Reads the form's `year`, `then`, and per item `PREFIX_N` / `note_N` into inputs.
fn read_form(pairs: Vec<(String, String)>, prefix: &str) -> (String, String, Vec<ScoreInput>) {
    let mut year = String::new();
    let mut then = String::new();
    let mut inputs: Vec<ScoreInput> = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "year" => year = v,
            "then" => then = v,
            _ => {
                let Some((field, n)) = k.rsplit_once('_') else {
                    continue;
                };
                if n.parse::<usize>().is_err() || (field != prefix && field != "note") {
                    continue;
                }
                let at = match inputs.iter().position(|i| i.item == n) {
                    Some(at) => at,
                    None => {
                        inputs.push(ScoreInput {
                            item: n.to_string(),
                            ..ScoreInput::default()
                        });
                        inputs.len() - 1
                    }
                };
                if field == "note" {
                    inputs[at].note = v;
                } else {
                    inputs[at].score = v;
                }
            }
        }
    }
    (year, then, inputs)
}

/// The self-assessment form: `score_N`, `note_N` for each item; `then=submit` submits after
/// saving.
pub async fn save_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let (year, then, inputs) = read_form(pairs, "score");
    let typed = Typed {
        scores: inputs,
        reviewed: Vec::new(),
    };
    let saved = match save(&state, &user, org_id, &year, &typed.scores).await {
        Ok(r) => r,
        Err(f) => return refused(&state, &user, org_id, &year, Some(&typed), f).await,
    };
    if then != "submit" {
        return done(org_id, saved.year, "saved");
    }
    match submit(&state, &user, org_id, &year).await {
        Ok(r) => done(org_id, r.year, "submitted"),
        Err(f) => refused(&state, &user, org_id, &year, None, f).await,
    }
}

/// The superior's form: `reviewed_N` for each item.
pub async fn confirm_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let (year, _, inputs) = read_form(pairs, "reviewed");
    match confirm(&state, &user, org_id, &year, &inputs).await {
        Ok(r) => done(org_id, r.year, "confirmed"),
        Err(f) => {
            let typed = Typed {
                scores: Vec::new(),
                reviewed: inputs,
            };
            refused(&state, &user, org_id, &year, Some(&typed), f).await
        }
    }
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    comment: String,
}

pub async fn return_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ReturnForm>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    match return_rating(&state, &user, org_id, &form.year, &form.comment).await {
        Ok(r) => done(org_id, r.year, "returned"),
        Err(f) => refused(&state, &user, org_id, &form.year, None, f).await,
    }
}
