//! Superiors follow their branches' rounds of a year: how many branches of the subtree stand
//! where (未开始 / 录入中 / 已退回 / 已提交 / 已认证) and the same for each direct child, so the
//! late ones can be chased; a child that is a branch links to its round, any other to its own
//! progress.

use std::collections::HashMap;

use tuanjian_domain::Action;
use tuanjian_domain::review::{ReviewYear, RoundState};
use tuanjian_store::orgs::Org;
use tuanjian_store::reviews::progress::ProgressRow;
use tuanjian_store::scope::Subtree;

use super::year_of;
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// Branches by where their round stands, with members and grades recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StateCounts {
    pub branches: i64,
    pub not_started: i64,
    pub recording: i64,
    pub returned: i64,
    pub submitted: i64,
    pub certified: i64,
    pub members: i64,
    pub graded: i64,
}

impl StateCounts {
    fn add(&mut self, r: &ProgressRow) {
        self.branches += 1;
        self.members += r.member_count;
        self.graded += r.graded;
        match r.state {
            RoundState::NotStarted => self.not_started += 1,
            RoundState::Recording => self.recording += 1,
            RoundState::Returned => self.returned += 1,
            RoundState::Submitted => self.submitted += 1,
            RoundState::Certified => self.certified += 1,
        }
    }

    /// Branches not yet submitted (not started, recording, returned).
    pub fn late(&self) -> i64 {
        self.not_started + self.recording + self.returned
    }

    /// Certified branches as a whole percentage (100 with no branch).
    pub fn certified_percent(&self) -> i64 {
        if self.branches == 0 {
            100
        } else {
            self.certified * 100 / self.branches
        }
    }
}

/// A direct child of the organisation with its branches' counts; a branch child has its own
/// state.
#[derive(Debug, Clone)]
pub struct ChildProgress {
    pub org_id: i64,
    pub full_name: String,
    /// The child's own round when it is a branch.
    pub state: Option<RoundState>,
    pub counts: StateCounts,
}

pub struct Progress {
    pub authority: Authority,
    pub org: Org,
    pub year: ReviewYear,
    pub total: StateCounts,
    pub children: Vec<ChildProgress>,
    /// Only children with branches not yet submitted are listed.
    pub late_only: bool,
}

/// The progress of `year` (this year when none) under an organisation in the admin's scope.
pub async fn progress(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
    late_only: bool,
) -> Result<Progress, Fault> {
    let year = year_of(year)?;
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    let Authority::Admin(scope) = &authority else {
        return Err(Fault::not_found());
    };
    permit(&authority, Action::View, &org)?;
    let q = Subtree::within(scope, &org).ok_or_else(Fault::not_found)?;
    let rows = app.store.review_progress(&q, year.get()).await?;
    let (total, children) = tally(&org, &rows);
    let children = children
        .into_iter()
        .filter(|c| !late_only || c.counts.late() > 0)
        .collect();
    Ok(Progress {
        authority,
        org,
        year,
        total,
        children,
        late_only,
    })
}

/// Sums the branches of the subtree, in total and under each direct child (rows in path
/// order: a child comes before its descendants).
fn tally(org: &Org, rows: &[ProgressRow]) -> (StateCounts, Vec<ChildProgress>) {
    let depth = org.path.ids().len();
    let mut total = StateCounts::default();
    let mut children: Vec<ChildProgress> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    for r in rows {
        let child_id = r
            .path
            .trim_matches('/')
            .split('/')
            .nth(depth)
            .and_then(|s| s.parse::<i64>().ok());
        if r.parent_id == Some(org.id) {
            at.insert(r.org_id, children.len());
            children.push(ChildProgress {
                org_id: r.org_id,
                full_name: r.full_name.clone(),
                state: r.is_branch.then_some(r.state),
                counts: StateCounts::default(),
            });
        }
        if !r.is_branch {
            continue;
        }
        total.add(r);
        if let Some(i) = child_id.and_then(|c| at.get(&c)) {
            children[*i].counts.add(r);
        }
    }
    (total, children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_domain::{OrgKind, OrgLevel, OrgPath};

    fn row(id: i64, parent: i64, path: &str, branch: bool, state: RoundState) -> ProgressRow {
        ProgressRow {
            org_id: id,
            parent_id: Some(parent),
            path: path.into(),
            full_name: format!("组织{id}"),
            is_branch: branch,
            member_count: 10,
            state,
            graded: if state == RoundState::NotStarted {
                0
            } else {
                10
            },
        }
    }

    #[test]
    fn branches_are_summed_under_their_direct_child() {
        let org = Org {
            id: 2,
            parent_id: Some(1),
            path: OrgPath::parse("/1/2/").unwrap(),
            level: OrgLevel::County,
            kind: OrgKind::Committee,
            short_name: "团委".into(),
            full_name: "某团委".into(),
            province_id: Some(1),
            xinjiang: false,
            created_at: 0,
        };
        let rows = [
            row(3, 2, "/1/2/3/", true, RoundState::Certified),
            row(4, 2, "/1/2/4/", false, RoundState::NotStarted),
            row(5, 4, "/1/2/4/5/", true, RoundState::Submitted),
            row(6, 4, "/1/2/4/6/", true, RoundState::NotStarted),
        ];
        let (total, children) = tally(&org, &rows);
        assert_eq!(total.branches, 3);
        assert_eq!(
            (total.certified, total.submitted, total.not_started),
            (1, 1, 1)
        );
        assert_eq!(total.late(), 1);
        assert_eq!(total.certified_percent(), 33);
        assert_eq!(children.len(), 2);
        assert_eq!(children[0].state, Some(RoundState::Certified));
        assert_eq!(children[0].counts.certified, 1);
        assert_eq!(children[1].state, None);
        assert_eq!(children[1].counts.branches, 2);
        assert_eq!(children[1].counts.late(), 1);
        assert_eq!(children[1].counts.graded, 10);
    }
}
