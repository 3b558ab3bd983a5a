//! Searching organisations (seed, question 8): choose a province or 系统团委, then search by
//! full name. Public, since registration uses it; only public fields are returned.

use tuanjian_domain::ErrorCode;
use tuanjian_store::org_search::{MAX_QUERY_CHARS, ProvinceChoice, SearchHit, SearchPage};

use crate::authority::Authority;
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

/// Whether the viewer may open a found organisation's page (`/orgs/{id}`), and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Open,
    /// Why not, in Chinese.
    Closed(&'static str),
}

impl Reach {
    pub fn is_open(self) -> bool {
        self == Reach::Open
    }

    pub fn reason(self) -> Option<&'static str> {
        match self {
            Reach::Open => None,
            Reach::Closed(why) => Some(why),
        }
    }
}

/// The same rule as the organisation page's (`ViewScope`): an admin opens the subtree of the
/// organisation administered, a cadre or member only their own organisation; without a role
/// (not signed in, or no role taken) nothing.
pub fn reach(viewer: Option<&Authority>, hit: &SearchHit) -> Reach {
    match viewer {
        None => Reach::Closed("登录并以本组织或其上级组织管理员的身份进入后，才能打开组织页面"),
        Some(Authority::Admin(scope)) if scope.covers(&hit.path) => Reach::Open,
        Some(Authority::Admin(_)) => Reach::Closed("不在您当前管理员身份的管理范围内"),
        Some(Authority::Cadre { org_id } | Authority::Member { org_id }) if *org_id == hit.id => {
            Reach::Open
        }
        Some(_) => Reach::Closed("不是您所在的组织；只有本组织或其上级组织的管理员能打开组织页面"),
    }
}
