//! Searching organisations (seed, question 8): choose a province or 系统团委, then search by
//! full name. Public, since registration uses it; only public fields are returned.

use tuanjian_domain::ErrorCode;
use tuanjian_store::org_search::{MAX_QUERY_CHARS, ProvinceChoice, SearchPage};

use crate::context::App;
use crate::fault::Fault;

pub const PER_PAGE: i64 = 20;

/// Search parameters as typed.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    /// A provincial-level committee or 系统团委, as typed; without it only an exact full name
    /// is found.
    pub province_id: Option<String>,
    /// The full name or part of it.
    pub q: String,
    /// Page number from 1.
    pub page: Option<i64>,
}

/// What a search found, with the choices of province.
pub struct Found {
    pub provinces: Vec<ProvinceChoice>,
    pub province_id: Option<i64>,
    pub page: SearchPage,
}

/// Runs a search. An unknown province is an error, an empty text an empty page.
pub async fn run(app: &App, q: &SearchInput) -> Result<Found, Fault> {
    let provinces = app.store.province_choices().await?;
    let province_id = match q.province_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .ok()
                .filter(|id| provinces.iter().any(|p| p.id == *id))
                .ok_or_else(|| {
                    Fault::new(
                        ErrorCode::ProvinceInvalid,
                        "所选的省份或系统团委不存在，请从列表中重新选择",
                    )
                    .field("province_id")
                })?,
        ),
    };
    let text = q.q.trim();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Fault::new(
            ErrorCode::QueryTooLong,
            format!("搜索内容最多{MAX_QUERY_CHARS}个字，请缩短后重试"),
        )
        .field("q"));
    }
    let page = q.page.unwrap_or(1).clamp(1, 1000);
    let page = app
        .store
        .search_orgs(province_id, text, page, PER_PAGE)
        .await?;
    Ok(Found {
        provinces,
        province_id,
        page,
    })
}

/// The provincial-level committees and 系统团委 to search within.
pub async fn provinces(app: &App) -> Result<Vec<ProvinceChoice>, Fault> {
    Ok(app.store.province_choices().await?)
}
