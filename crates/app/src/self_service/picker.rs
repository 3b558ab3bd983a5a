//! Choosing the branch of a self-service application step by step (issue 13): province →
//! school (or any organisation above branches) → branch, instead of typing the branch's full
//! name. Public, as the organisation search is: only names and kinds are shown.

use tuanjian_domain::self_service::ApplicationKind;
use tuanjian_domain::{ErrorCode, OrgKind};
use tuanjian_store::orgs::{Org, PageRequest};

use crate::context::App;
use crate::fault::Fault;

/// At most this many organisations are listed at one level.
pub const PICK_LIMIT: i64 = PageRequest::MAX_PER_PAGE;

/// One organisation offered at a level.
#[derive(Debug, Clone)]
pub struct Choice {
    pub org: Org,
    /// A branch the applicant may choose.
    pub pickable: bool,
    /// Organisations under it to choose among.
    pub child_count: i64,
}

/// One level of the picker: where it stands and what lies below.
#[derive(Debug, Clone)]
pub struct Level {
    pub org: Org,
    /// One level up, unless this is the province (the top of the picker).
    pub up: Option<i64>,
    pub choices: Vec<Choice>,
    /// The organisations below `org`, all kinds (more than `PICK_LIMIT` are not listed).
    pub total: i64,
}

/// Whether an applicant of `kind` may choose a branch of `org_kind`: members belong in a
/// 团支部; a graduates' organisation takes no one who is only now joining.
pub fn may_choose(kind: ApplicationKind, org_kind: OrgKind) -> bool {
    org_kind.is_branch()
        && !(kind == ApplicationKind::Join && org_kind == OrgKind::GraduatingBranch)
}

/// The organisation `org_id` and what an applicant of `kind` can choose under it: branches to
/// pick, and organisations with something below to open. Only organisations inside a province
/// (or a 系统团委) are offered: the national level is chosen by the province list.
pub async fn level(app: &App, kind: ApplicationKind, org_id: i64) -> Result<Level, Fault> {
    let org = match app.store.org(org_id).await {
        Ok(o) if o.province_id.is_some() => o,
        Ok(_) | Err(tuanjian_store::StoreError::NotFound) => {
            return Err(Fault::new(
                ErrorCode::NotFound,
                "没有这个组织；请先选择省份（或系统团委），再逐级选择团支部",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let page = app
        .store
        .children(org.id, PageRequest::new(Some(1), Some(PICK_LIMIT)))
        .await?;
    let choices = page
        .items
        .into_iter()
        .map(|c| Choice {
            pickable: may_choose(kind, c.org.kind),
            child_count: c.child_count,
            org: c.org,
        })
        .filter(|c| c.pickable || (!c.org.kind.is_branch() && c.child_count > 0))
        .collect();
    let up = match org.province_id {
        Some(p) if p != org.id => org.parent_id,
        _ => None,
    };
    Ok(Level {
        org,
        up,
        choices,
        total: page.total,
    })
}
