//! The breadcrumb of an organisation (its ancestors down to it), shared by the pages that are
//! about one organisation: each ancestor links where the viewer may look at it.

use askama::Template;
use tuanjian_store::orgs::Org;

use crate::auth::role::Authority;
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
        Self { items, here }
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
