//! The breadcrumb of an organisation (its ancestors down to it), shared by the pages that are
//! about one organisation: each ancestor links where the viewer may look at it.

use askama::Template;
use tuanjian_store::orgs::Org;

use crate::auth::role::{self, Authority};
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::state::AppState;

pub struct Crumb {
    pub id: i64,
    pub name: String,
    /// Within the viewer's scope, so a link to it does not lead to 页面不存在.
    pub link: bool,
}

#[derive(Template)]
#[template(path = "crumbs.html")]
pub struct OrgCrumbs {
    pub items: Vec<Crumb>,
    /// The page under the organisation (团员列表 …); `None` on the organisation's own page.
    pub here: Option<&'static str>,
    /// A page between the organisation and `here` (href, label, id), e.g. 组织信息 above
    /// 变更记录.
    pub via: Option<(String, &'static str, &'static str)>,
}

impl OrgCrumbs {
    /// From the organisations top down, the last being the page's.
    pub fn new<'a>(
        authority: &Authority,
        lineage: impl Iterator<Item = &'a Org>,
        here: Option<&'static str>,
    ) -> Self {
        let lineage: Vec<&Org> = lineage.collect();
        let last = lineage.last().map(|o| o.id);
        let items = lineage
            .into_iter()
            .map(|o| Crumb {
                id: o.id,
                name: o.short_name.clone(),
                link: match authority {
                    Authority::Admin(s) => s.covers(&o.path),
                    _ => Some(o.id) == last,
                },
            })
            .collect();
        Self {
            items,
            here,
            via: None,
        }
    }

    /// With a page between the organisation and `here`.
    pub fn via(mut self, href: String, label: &'static str, id: &'static str) -> Self {
        self.via = Some((href, label, id));
        self
    }

    /// As `read`, for a page that knows the signed-in user but not yet their authority.
    pub async fn for_user(
        state: &AppState,
        user: &Signed,
        org_id: i64,
        here: &'static str,
    ) -> Result<Self, Fault> {
        let authority = role::required(state, user).await?;
        Self::read(state, &authority, org_id, here).await
    }

    /// Reads the organisation's lineage (one cached statement) for a page under it.
    pub async fn read(
        state: &AppState,
        authority: &Authority,
        org_id: i64,
        here: &'static str,
    ) -> Result<Self, Fault> {
        let lineage = state.store.lineage(org_id).await?;
        Ok(Self::new(
            authority,
            lineage.iter().map(|l| &l.org),
            Some(here),
        ))
    }
}
