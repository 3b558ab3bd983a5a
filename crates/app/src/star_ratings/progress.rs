//! Superiors follow their branches' ratings of a year: how many branches of the subtree stand
//! where (不参加 / 未开始 / 自评中 / 已提交 / 已退回 / 已确认) and how many have which stars
//! (五星 … 二星, 未定级), in total and for each direct child; a child that is a branch links to
//! its rating, any other to its own progress. One range read of the subtree.

use std::collections::HashMap;

use tuanjian_domain::Action;
use tuanjian_domain::star_rating::round::{RatingState, RatingYear};
use tuanjian_domain::star_rating::standard::StarStandard;
use tuanjian_domain::star_rating::{BranchNature, ineligible};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::Subtree;
use tuanjian_store::star_ratings::progress::StarProgressRow;

use super::{beijing_day, standard_of, year_of};
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// Where a branch stands this year: not rated, or its rating's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// 不参加: too young on the round's start, or a 流动/临时 branch.
    Ineligible,
    Rating(RatingState),
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Ineligible => "不参加",
            Standing::Rating(s) => s.label(),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Standing::Ineligible => "ineligible",
            Standing::Rating(s) => s.code(),
        }
    }
}

/// Branches by standing and by confirmed stars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StarCounts {
    pub branches: i64,
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
    /// Confirmed below the lowest band: 未定级.
    pub unrated: i64,
}

impl StarCounts {
    fn add(&mut self, standing: Standing, stars: Option<u8>) {
        self.branches += 1;
        match standing {
            Standing::Ineligible => self.ineligible += 1,
            Standing::Rating(s) => match s {
                RatingState::NotStarted => self.not_started += 1,
                RatingState::Assessing => self.assessing += 1,
                RatingState::Submitted => self.submitted += 1,
                RatingState::Returned => self.returned += 1,
                RatingState::Confirmed => {
                    self.confirmed += 1;
                    match stars {
                        Some(5) => self.five += 1,
                        Some(4) => self.four += 1,
                        Some(3) => self.three += 1,
                        Some(2) => self.two += 1,
                        _ => self.unrated += 1,
                    }
                }
            },
        }
    }

    /// Eligible branches not yet submitted (not started, assessing, returned).
    pub fn late(&self) -> i64 {
        self.not_started + self.assessing + self.returned
    }
}

/// A direct child of the organisation with its branches' counts; a branch child has its own
/// standing.
#[derive(Debug, Clone)]
pub struct ChildStars {
    pub org_id: i64,
    pub full_name: String,
    pub standing: Option<Standing>,
    pub stars: Option<u8>,
    pub counts: StarCounts,
}

pub struct StarProgress {
    pub authority: Authority,
    pub org: Org,
    pub year: RatingYear,
    pub total: StarCounts,
    pub children: Vec<ChildStars>,
}

/// The progress of `year` (this year when none) under an organisation in the admin's scope.
pub async fn progress(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
) -> Result<StarProgress, Fault> {
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
    let standard = standard_of(app, year).await?;
    let rows = app.store.star_progress(&q, year.get()).await?;
    let (total, children) = tally(&org, &standard, &rows);
    Ok(StarProgress {
        authority,
        org,
        year,
        total,
        children,
    })
}

fn standing(standard: &StarStandard, r: &StarProgressRow) -> Standing {
    if r.state != RatingState::NotStarted {
        return Standing::Rating(r.state);
    }
    match ineligible(
        BranchNature::of_name(&r.full_name),
        beijing_day(r.created_at),
        standard.starts_on,
    ) {
        Some(_) => Standing::Ineligible,
        None => Standing::Rating(RatingState::NotStarted),
    }
}

/// Sums the branches of the subtree, in total and under each direct child (rows in path
/// order: a child comes before its descendants).
fn tally(
    org: &Org,
    standard: &StarStandard,
    rows: &[StarProgressRow],
) -> (StarCounts, Vec<ChildStars>) {
    let depth = org.path.ids().len();
    let mut total = StarCounts::default();
    let mut children: Vec<ChildStars> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    for r in rows {
        let child_id = r
            .path
            .trim_matches('/')
            .split('/')
            .nth(depth)
            .and_then(|s| s.parse::<i64>().ok());
        let s = standing(standard, r);
        if r.parent_id == Some(org.id) {
            at.insert(r.org_id, children.len());
            children.push(ChildStars {
                org_id: r.org_id,
                full_name: r.full_name.clone(),
                standing: r.is_branch.then_some(s),
                stars: r.stars,
                counts: StarCounts::default(),
            });
        }
        if !r.is_branch {
            continue;
        }
        total.add(s, r.stars);
        if let Some(i) = child_id.and_then(|c| at.get(&c)) {
            children[*i].counts.add(s, r.stars);
        }
    }
    (total, children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_domain::{OrgKind, OrgLevel, OrgPath};

    const OLD: i64 = 1_600_000_000; // 2020-09-13

    fn row(
        (id, parent, path): (i64, i64, &str),
        branch: bool,
        name: &str,
        created: i64,
        (state, stars): (RatingState, Option<u8>),
    ) -> StarProgressRow {
        StarProgressRow {
            org_id: id,
            parent_id: Some(parent),
            path: path.into(),
            full_name: name.into(),
            is_branch: branch,
            created_at: created,
            state,
            stars,
        }
    }

    #[test]
    fn branches_are_summed_by_standing_and_stars() {
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
        let standard = StarStandard::default_for(2026);
        // Founded 2026-06-01: too young on 2026-10-01.
        let young = 1_780_243_200;
        let rows = [
            row(
                (3, 2, "/1/2/3/"),
                true,
                "甲团支部",
                OLD,
                (RatingState::Confirmed, Some(5)),
            ),
            row(
                (4, 2, "/1/2/4/"),
                false,
                "某学校团委",
                OLD,
                (RatingState::NotStarted, None),
            ),
            row(
                (5, 4, "/1/2/4/5/"),
                true,
                "乙团支部",
                OLD,
                (RatingState::Confirmed, None),
            ),
            row(
                (6, 4, "/1/2/4/6/"),
                true,
                "丙团支部",
                young,
                (RatingState::NotStarted, None),
            ),
            row(
                (7, 4, "/1/2/4/7/"),
                true,
                "某流动团员团支部",
                OLD,
                (RatingState::NotStarted, None),
            ),
            row(
                (8, 4, "/1/2/4/8/"),
                true,
                "丁团支部",
                OLD,
                (RatingState::NotStarted, None),
            ),
            row(
                (9, 4, "/1/2/4/9/"),
                true,
                "戊团支部",
                OLD,
                (RatingState::Returned, None),
            ),
        ];
        let (total, children) = tally(&org, &standard, &rows);
        assert_eq!(total.branches, 6);
        assert_eq!(
            (total.ineligible, total.not_started, total.returned),
            (2, 1, 1)
        );
        assert_eq!((total.confirmed, total.five, total.unrated), (2, 1, 1));
        assert_eq!(total.late(), 2);
        assert_eq!(children.len(), 2);
        assert_eq!(
            children[0].standing,
            Some(Standing::Rating(RatingState::Confirmed))
        );
        assert_eq!(children[0].stars, Some(5));
        assert_eq!(children[1].standing, None);
        assert_eq!(children[1].counts.branches, 5);
        assert_eq!(children[1].counts.ineligible, 2);
    }
}
