//! JSON API for a year's 对标定级 standard (团中央's admin only). Each handler calls the same use
//! case as its page.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::star_ratings::config::{configure as configure_uc, show as show_uc};
use tuanjian_domain::star_rating::round::RatingYear;
use tuanjian_domain::star_rating::standard::{StandardInput, StarStandard};
use utoipa::{IntoParams, ToSchema};

use super::api::text_of;
use crate::auth::user::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ItemBody {
    /// The item's place in the standard (1, 2, ...): the `item` of a score.
    pub item: usize,
    pub name: String,
    pub max_points: u32,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BandsBody {
    /// The lowest total of five stars (default 90).
    #[schema(value_type = Option<String>)]
    pub five: serde_json::Value,
    #[schema(value_type = Option<String>)]
    pub four: serde_json::Value,
    #[schema(value_type = Option<String>)]
    pub three: serde_json::Value,
    /// The lowest total of two stars (default 60); below it: 未定级.
    #[schema(value_type = Option<String>)]
    pub two: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct ConfigBody {
    pub year: i32,
    /// A standard is stored for the year (false: the defaults apply).
    pub stored: bool,
    /// YYYY-MM-DD: the self-assessment is open from this day …
    pub starts_on: String,
    /// … to this day, both included.
    pub ends_on: String,
    pub items: Vec<ItemBody>,
    pub total_points: u32,
    pub bands: BandsBody,
}

pub(super) fn config_body(year: RatingYear, stored: bool, s: &StarStandard) -> ConfigBody {
    let [five, four, three, two] = s.band_floors();
    ConfigBody {
        year: year.get(),
        stored,
        starts_on: s.starts_on.format("%Y-%m-%d").to_string(),
        ends_on: s.ends_on.format("%Y-%m-%d").to_string(),
        items: s
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| ItemBody {
                item: i + 1,
                name: item.name.clone(),
                max_points: item.max_points,
            })
            .collect(),
        total_points: s.total_points(),
        bands: BandsBody {
            five: five.into(),
            four: four.into(),
            three: three.into(),
            two: two.into(),
        },
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// Last year, this year or next year; absent or empty for this year.
    pub year: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/star-ratings/config",
    params(YearParams),
    responses((status = 200, body = ConfigBody),
        (status = 403, body = ErrorBody, description = "not 团中央's admin")))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<ConfigBody> {
    let v = show_uc(&state, &user, q.year.as_deref()).await?;
    Ok(Json(config_body(v.year, v.stored, &v.standard)))
}

#[derive(Deserialize, ToSchema)]
pub struct ConfigItemRequest {
    pub name: String,
    /// A whole number from 1 to 100.
    #[schema(value_type = String)]
    pub max_points: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
pub struct ConfigRequest {
    /// YYYY-MM-DD, within the year.
    #[serde(default)]
    pub starts_on: String,
    /// YYYY-MM-DD, within the year, not before `starts_on`.
    #[serde(default)]
    pub ends_on: String,
    /// The items in order; at least one, at most 20.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<ConfigItemRequest>,
    pub bands: BandsBody,
}

#[utoipa::path(post, path = "/api/v1/star-ratings/{year}/config",
    params(("year" = String, Path, description = "last year, this year or next year")),
    request_body = ConfigRequest,
    responses((status = 200, body = ConfigBody),
        (status = 400, body = ErrorBody, description = "star_config_invalid (every fault named; nothing stored)"),
        (status = 409, body = ErrorBody, description = "star_config_locked: a branch has submitted that year")))]
pub async fn configure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<String>,
    ApiJson(body): ApiJson<ConfigRequest>,
) -> ApiResult<ConfigBody> {
    let input = StandardInput {
        starts_on: body.starts_on,
        ends_on: body.ends_on,
        items: body
            .items
            .into_iter()
            .map(|i| (i.name, text_of(&i.max_points)))
            .collect(),
        bands: [
            text_of(&body.bands.five),
            text_of(&body.bands.four),
            text_of(&body.bands.three),
            text_of(&body.bands.two),
        ],
    };
    let (standard, _) = configure_uc(&state, &user, &year, &input).await?;
    let year = tuanjian_app::star_ratings::year_of(Some(&year))?;
    Ok(Json(config_body(year, true, &standard)))
}
