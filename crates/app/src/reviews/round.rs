//! A branch's round as its admins see it, and the branch's own steps: recording grades
//! (`save`) and submitting (`submit`).

use tuanjian_domain::Action;
use tuanjian_domain::review::{GradeEntry, ReviewYear};
use tuanjian_store::orgs::Org;
use tuanjian_store::reviews::steps::{GradeChange, save_grades_tx, submit_tx};
use tuanjian_store::reviews::{ReviewMember, Round};

use super::{branch_for, year_of};
use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// A branch's round of a year with its members.
pub struct BranchRound {
    pub authority: Authority,
    pub org: Org,
    pub year: ReviewYear,
    /// `None`: not started.
    pub round: Option<Round>,
    pub members: Vec<ReviewMember>,
    /// The viewer is the branch's own admin (records and submits).
    pub may_record: bool,
    /// The viewer is the branch's direct superior (certifies or returns).
    pub may_certify: bool,
}

impl BranchRound {
    /// Grades may be changed now by this viewer.
    pub fn editable(&self) -> bool {
        self.may_record && self.round.as_ref().is_none_or(|r| r.state.editable())
    }
}

/// The round of `year` (this year when none) of a branch in the viewer's scope.
pub async fn show(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
) -> Result<BranchRound, Fault> {
    let year = year_of(year)?;
    let (authority, org) = branch_for(app, user, org_id, Action::ViewMembers).await?;
    let round = app.store.review_round(org.id, year.get()).await?;
    let members = app
        .store
        .review_members(org.id, round.as_ref().map(|r| r.id))
        .await?;
    let may_record = permit(&authority, Action::RecordReview, &org).is_ok();
    let may_certify = permit(&authority, Action::CertifyReview, &org).is_ok();
    Ok(BranchRound {
        authority,
        org,
        year,
        round,
        members,
        may_record,
        may_certify,
    })
}

/// One member's grade as typed on the page, sent by the API or read from a sheet.
#[derive(Debug, Clone, Default)]
pub struct GradeInput {
    pub person_id: i64,
    /// Empty clears the member's grade.
    pub grade: String,
    pub choice: String,
    pub reason: String,
}

/// Parses every row; the faults name the members (by the name the branch sees) and say what to
/// fix, all of them at once.
fn parse_inputs(
    inputs: &[GradeInput],
    name_of: impl Fn(i64) -> Option<String>,
) -> Result<Vec<GradeChange>, Fault> {
    let mut changes = Vec::with_capacity(inputs.len());
    let mut faults = Vec::new();
    let mut field = None;
    for i in inputs {
        if i.grade.trim().is_empty() {
            changes.push(GradeChange {
                person_id: i.person_id,
                entry: None,
            });
            continue;
        }
        match GradeEntry::parse(&i.grade, &i.choice, &i.reason) {
            Ok(entry) => changes.push(GradeChange {
                person_id: i.person_id,
                entry: Some(entry),
            }),
            Err(e) => {
                let who = name_of(i.person_id).unwrap_or_else(|| format!("编号{}", i.person_id));
                field.get_or_insert((e.code(), e.field()));
                faults.push(format!("{who}：{e}"));
            }
        }
    }
    match field {
        None => Ok(changes),
        Some((code, field)) => Err(Fault::bad_request(code, faults.join("；")).field(field)),
    }
}

/// Records the grades given (only those rows; an empty grade clears one) of the branch's round
/// of `year`, creating the round when it has not started. All or nothing.
pub async fn save(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
    inputs: &[GradeInput],
) -> Result<Round, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordReview).await?;
    let names = app.store.review_members(org.id, None).await?;
    let changes = parse_inputs(inputs, |id| {
        names
            .iter()
            .find(|m| m.person_id == id)
            .map(|m| m.name.clone())
    })?;
    let mut tx = app.store.begin().await?;
    let round = save_grades_tx(
        &mut tx,
        &user.actor(),
        &org,
        year.get(),
        &changes,
        "review.grades",
    )
    .await?;
    tx.commit().await?;
    Ok(round)
}

/// Submits the branch's round of `year` for the superior's certification.
pub async fn submit(app: &App, user: &Signed, org_id: i64, year: &str) -> Result<Round, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordReview).await?;
    let mut tx = app.store.begin().await?;
    let round = submit_tx(&mut tx, &user.actor(), &org, year.get()).await?;
    tx.commit().await?;
    Ok(round)
}
