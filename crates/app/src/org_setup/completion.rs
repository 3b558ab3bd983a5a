//! Completion of organisation information below an organisation, for admins in scope: the
//! rate over the direct children and over the whole subtree, and which children are
//! incomplete with what each still lacks.

use tuanjian_domain::Action;
use tuanjian_store::orgs::{Org, Page, PageRequest};

use crate::context::App;
use crate::fault::Fault;
use crate::org_setup::admin_target;
use crate::signed::Signed;

/// Complete and total.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub complete: i64,
    pub total: i64,
}

impl From<(i64, i64)> for Counts {
    fn from((complete, total): (i64, i64)) -> Self {
        Self { complete, total }
    }
}

pub struct IncompleteChild {
    pub org: Org,
    /// Labels of the required fields still empty.
    pub missing: Vec<&'static str>,
}

pub struct Completion {
    pub org: Org,
    /// The direct children.
    pub children: Counts,
    /// Every organisation below, at any depth.
    pub subtree: Counts,
    /// Direct children whose information is incomplete.
    pub incomplete: Page<IncompleteChild>,
}

pub async fn completion(
    app: &App,
    user: &Signed,
    id: i64,
    req: PageRequest,
) -> Result<Completion, Fault> {
    let (_, org) = admin_target(app, user, id, Action::View).await?;
    let children = app.store.children_completion(org.id).await?;
    let subtree = app.store.subtree_completion(&org.path).await?;
    let page = app.store.incomplete_children(org.id, req).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for o in page.items {
        let info = app.store.org_info(o.id).await?;
        let school = app.store.is_school_org(&o).await?;
        let missing = info.missing(o.class(), school);
        items.push(IncompleteChild { org: o, missing });
    }
    Ok(Completion {
        org,
        children: children.into(),
        subtree: subtree.into(),
        incomplete: Page {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        },
    })
}
