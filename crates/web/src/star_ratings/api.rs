//! JSON API for a branch's 对标定级 and the superiors' progress. Each handler calls the same use
//! case as its page.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::star_ratings::assess::{ScoreInput, save as save_uc, show, submit as submit_uc};
use tuanjian_app::star_ratings::progress::{StarCounts, progress as progress_uc};
use tuanjian_app::star_ratings::review::{confirm as confirm_uc, return_rating as return_uc};
use tuanjian_domain::star_rating::round::stars_text;
use utoipa::ToSchema;

use super::api_config::{ConfigBody, YearParams, config_body};
use crate::auth::user::{ApiUser, Signed};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;

/// A JSON value as the text the use cases parse: a number or string as written, null as empty
/// (anything else as its JSON, which no rule accepts).
pub(super) fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ItemScoreBody {
    /// The item's place in the standard (1, 2, ...).
    pub item: usize,
    pub name: String,
    pub max_points: u32,
    pub self_score: Option<u32>,
    pub note: Option<String>,
    /// The superior's score, once confirmed.
    pub reviewed_score: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct RatingBody {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    /// not_started, assessing, submitted, returned, confirmed.
    pub state: &'static str,
    pub state_label: &'static str,
    /// Why the branch is not rated this year (too young, 流动 or 临时); null when it is.
    pub ineligible: Option<&'static str>,
    /// not_yet_open, open, closed: the self-assessment's dates against today.
    pub window: &'static str,
    /// The dates as a sentence.
    pub window_text: String,
    /// The superior's comment of the last return.
    pub comment: Option<String>,
    /// The viewer is the branch's admin and may change the self-assessment now.
    pub editable: bool,
    /// The viewer is the direct superior and the rating waits for its decision.
    pub reviewable: bool,
    pub self_total: u32,
    /// The stars the self-assessment would give (null: below the lowest band).
    pub self_stars: Option<u8>,
    pub reviewed_total: Option<u32>,
    /// The confirmed stars (null: not confirmed, or 未定级).
    pub stars: Option<u8>,
    /// "★★★★ 四星级团支部" or "未定级", once confirmed.
    pub stars_text: Option<String>,
    pub total_points: u32,
    pub items: Vec<ItemScoreBody>,
    pub standard: ConfigBody,
}

pub(super) async fn rating_body(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
) -> ApiResult<RatingBody> {
    let r = show(state, user, org_id, year).await?;
    let st = r.state();
    let confirmed = r.rating.as_ref().filter(|x| x.reviewed_total.is_some());
    Ok(Json(RatingBody {
        org_id: r.org.id,
        org_name: r.org.full_name.clone(),
        year: r.year.get(),
        state: st.code(),
        state_label: st.label(),
        ineligible: r.ineligible,
        window: match r.window {
            tuanjian_domain::star_rating::standard::Window::NotYetOpen => "not_yet_open",
            tuanjian_domain::star_rating::standard::Window::Open => "open",
            tuanjian_domain::star_rating::standard::Window::Closed => "closed",
        },
        window_text: r.window_text.clone(),
        comment: r.rating.as_ref().and_then(|x| x.comment.clone()),
        editable: r.editable(),
        reviewable: r.reviewable(),
        self_total: r.self_total(),
        self_stars: r.self_stars(),
        reviewed_total: confirmed.and_then(|x| x.reviewed_total),
        stars: confirmed.and_then(|x| x.stars),
        stars_text: confirmed.map(|x| stars_text(x.stars)),
        total_points: r.standard.total_points(),
        items: r
            .standard
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let s = r.score(i + 1);
                ItemScoreBody {
                    item: i + 1,
                    name: item.name.clone(),
                    max_points: item.max_points,
                    self_score: s.and_then(|s| s.self_score),
                    note: s.and_then(|s| s.note.clone()),
                    reviewed_score: s.and_then(|s| s.reviewed_score),
                }
            })
            .collect(),
        standard: config_body(r.year, true, &r.standard),
    }))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/star-ratings",
    params(("id" = i64, Path, description = "the branch"), YearParams),
    responses((status = 200, body = RatingBody)))]
pub async fn rating(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<RatingBody> {
    rating_body(&state, &user, parse_id(&raw)?, q.year.as_deref()).await
}

#[derive(Deserialize, ToSchema)]
pub struct ScoreBody {
    /// The item: its place in the standard (1, 2, ...) or its exact name.
    #[schema(value_type = String)]
    pub item: serde_json::Value,
    /// A whole number from 0 to the item's maximum; null or empty clears it (for `confirm`:
    /// keeps the branch's own score).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub score: serde_json::Value,
    /// What the score rests on (at most 200 characters).
    #[serde(default)]
    pub note: String,
}

fn inputs(scores: Vec<ScoreBody>) -> Vec<ScoreInput> {
    scores
        .into_iter()
        .map(|s| ScoreInput {
            item: text_of(&s.item),
            score: text_of(&s.score),
            note: s.note,
        })
        .collect()
}

#[derive(Deserialize, ToSchema)]
pub struct ScoresRequest {
    /// The items whose self-assessment changes; others keep theirs.
    pub scores: Vec<ScoreBody>,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/star-ratings/{year}/scores",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "the round's year")),
    request_body = ScoresRequest,
    responses((status = 200, body = RatingBody),
        (status = 400, body = ErrorBody, description = "star_score_invalid, star_item_unknown (nothing saved)"),
        (status = 409, body = ErrorBody, description = "star_locked, star_round_closed, star_ineligible (nothing saved)")))]
pub async fn save(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<ScoresRequest>,
) -> ApiResult<RatingBody> {
    let org_id = parse_id(&raw)?;
    save_uc(&state, &user, org_id, &year, &inputs(body.scores)).await?;
    rating_body(&state, &user, org_id, Some(&year)).await
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/star-ratings/{year}/submit",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "the round's year")),
    responses((status = 200, body = RatingBody),
        (status = 409, body = ErrorBody, description = "star_incomplete, star_locked, star_round_closed, star_ineligible (nothing changed)")))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
) -> ApiResult<RatingBody> {
    let org_id = parse_id(&raw)?;
    submit_uc(&state, &user, org_id, &year).await?;
    rating_body(&state, &user, org_id, Some(&year)).await
}

#[derive(Deserialize, ToSchema)]
pub struct ConfirmRequest {
    /// Reviewed scores; an item left out keeps the branch's own score.
    #[serde(default)]
    pub scores: Vec<ScoreBody>,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/star-ratings/{year}/confirm",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "the round's year")),
    request_body = ConfirmRequest,
    responses((status = 200, body = RatingBody),
        (status = 409, body = ErrorBody, description = "star_not_submitted, star_locked (nothing changed)")))]
pub async fn confirm(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<ConfirmRequest>,
) -> ApiResult<RatingBody> {
    let org_id = parse_id(&raw)?;
    confirm_uc(&state, &user, org_id, &year, &inputs(body.scores)).await?;
    rating_body(&state, &user, org_id, Some(&year)).await
}

#[derive(Deserialize, ToSchema)]
pub struct ReturnRequest {
    /// What the branch should correct (required).
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/star-ratings/{year}/return",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "the round's year")),
    request_body = ReturnRequest,
    responses((status = 200, body = RatingBody),
        (status = 409, body = ErrorBody, description = "star_not_submitted, star_locked (nothing changed)")))]
pub async fn return_rating(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> ApiResult<RatingBody> {
    let org_id = parse_id(&raw)?;
    return_uc(&state, &user, org_id, &year, &body.comment).await?;
    rating_body(&state, &user, org_id, Some(&year)).await
}

#[derive(Serialize, ToSchema)]
pub struct StarCountsBody {
    pub branches: i64,
    /// 不参加: too young on the round's start, or a 流动/临时 branch.
    pub ineligible: i64,
    pub not_started: i64,
    pub assessing: i64,
    pub submitted: i64,
    pub returned: i64,
    pub confirmed: i64,
    pub five: i64,
    pub four: i64,
    pub three: i64,
    pub two: i64,
    /// Confirmed below the lowest band (未定级).
    pub unrated: i64,
}

impl From<&StarCounts> for StarCountsBody {
    fn from(c: &StarCounts) -> Self {
        Self {
            branches: c.branches,
            ineligible: c.ineligible,
            not_started: c.not_started,
            assessing: c.assessing,
            submitted: c.submitted,
            returned: c.returned,
            confirmed: c.confirmed,
            five: c.five,
            four: c.four,
            three: c.three,
            two: c.two,
            unrated: c.unrated,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChildStarsBody {
    pub org_id: i64,
    pub org_name: String,
    /// The child's own standing when it is a branch (ineligible, not_started … confirmed).
    pub state: Option<&'static str>,
    /// The child's confirmed stars when it is a branch.
    pub stars: Option<u8>,
    /// The branches of the child's subtree (itself when a branch).
    pub counts: StarCountsBody,
}

#[derive(Serialize, ToSchema)]
pub struct StarProgressBody {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    /// Every branch below the organisation.
    pub total: StarCountsBody,
    pub children: Vec<ChildStarsBody>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/star-ratings/progress",
    params(("id" = i64, Path, description = "organisation id"), YearParams),
    responses((status = 200, body = StarProgressBody)))]
pub async fn progress(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<StarProgressBody> {
    let p = progress_uc(&state, &user, parse_id(&raw)?, q.year.as_deref()).await?;
    Ok(Json(StarProgressBody {
        org_id: p.org.id,
        org_name: p.org.full_name.clone(),
        year: p.year.get(),
        total: StarCountsBody::from(&p.total),
        children: p
            .children
            .iter()
            .map(|c| ChildStarsBody {
                org_id: c.org_id,
                org_name: c.full_name.clone(),
                state: c.standing.map(|s| s.code()),
                stars: c.stars,
                counts: StarCountsBody::from(&c.counts),
            })
            .collect(),
    }))
}
