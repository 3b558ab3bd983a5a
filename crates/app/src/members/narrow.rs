//! Narrowing a list to one organisation inside it: the member list to one 团支部 (所在团支部),
//! the cadre list to one organisation (所在组织). Named by id (`branch=<id>`, the select) or by
//! full name (the text box of a large subtree). Anything not inside the listed organisation and
//! the admin's scope is told as not found, so ids outside cannot be probed.

use tuanjian_domain::ErrorCode;
use tuanjian_store::StoreError;
use tuanjian_store::member_bulk;
use tuanjian_store::orgs::{Org, PageRequest};
use tuanjian_store::scope::{AdminScope, ViewScope};

use super::lists::nonempty;
use crate::context::App;
use crate::fault::Fault;

/// Up to this many choices the page offers a select; above, a text box for the full name.
pub const CHOICES: i64 = 100;

/// Which organisations a list may be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// 团支部 in the listed organisation's subtree (members).
    Branches,
    /// The organisation itself or any in its subtree (cadres).
    Any,
}

impl Within {
    fn what(self) -> &'static str {
        match self {
            Within::Branches => "团支部",
            Within::Any => "组织",
        }
    }

    fn fits(self, listed: &Org, o: &Org) -> bool {
        listed.path.contains(&o.path) && (self == Within::Any || o.kind.is_branch())
    }
}

fn not_found(within: Within, told: &str) -> Fault {
    Fault::new(
        ErrorCode::NotFound,
        format!(
            "没有找到{told}：它不存在，或不在本组织及您的管理范围内。请从“所在{w}”中重新选择，\
             或填写{w}全称；点“重置”可清除筛选",
            w = within.what()
        ),
    )
}

/// The organisation the list is narrowed to, from an id or a full name (the id wins); `None`
/// when neither is given.
pub async fn narrow(
    app: &App,
    scope: &AdminScope,
    listed: &Org,
    within: Within,
    id: &Option<String>,
    full_name: &Option<String>,
) -> Result<Option<Org>, Fault> {
    if let Some(raw) = nonempty(id) {
        let told = format!("编号为 {raw} 的{}", within.what());
        let id: i64 = raw
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| not_found(within, &told))?;
        let found = match app
            .store
            .org_in_scope(&ViewScope::Subtree(scope.clone()), id)
            .await
        {
            Ok(o) => Some(o).filter(|o| within.fits(listed, o)),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        return found.map(Some).ok_or_else(|| not_found(within, &told));
    }
    let Some(name) = nonempty(full_name) else {
        return Ok(None);
    };
    let mut tx = app.store.begin_read().await?;
    let named = member_bulk::orgs_named(&mut tx, &[name.as_str()]).await?;
    tx.rollback().await?;
    let told = format!("全称为“{name}”的{}", within.what());
    named
        .into_iter()
        .find(|o| scope.covers(&o.path) && within.fits(listed, o))
        .map(Some)
        .ok_or_else(|| not_found(within, &told))
}

/// What the page offers to narrow to: every choice when there are at most `CHOICES`, else
/// `None` (the page shows a text box for the full name). `branches`: the number of 团支部
/// below `listed` when the list's read already told (`Listed::branches`).
pub async fn choices(
    app: &App,
    listed: &Org,
    within: Within,
    branches: Option<i64>,
) -> Result<Option<Vec<Org>>, Fault> {
    match within {
        Within::Branches if listed.kind.is_branch() => Ok(Some(Vec::new())),
        Within::Branches => Ok(app
            .store
            .few_branches_under(listed, CHOICES, branches)
            .await?),
        Within::Any => {
            // The organisation itself and its direct children (a cached read of its page).
            let req = PageRequest {
                page: 1,
                per_page: CHOICES,
            };
            let (_, children, _) = app.store.lineage_and_children(listed.id, req).await?;
            if children.total >= CHOICES {
                return Ok(None);
            }
            Ok(Some(
                std::iter::once(listed.clone())
                    .chain(children.items.into_iter().map(|c| c.org))
                    .collect(),
            ))
        }
    }
}
