//! A branch's rating as its admins and its superiors see it, and the branch's own steps: saving
//! the self-assessment (`save`) and submitting it (`submit`), only for an eligible branch and
//! only between the round's dates.

use tuanjian_domain::star_rating::round::{NOTE_MAX, RatingState, RatingYear, parse_score};
use tuanjian_domain::star_rating::standard::{StarStandard, Window};
use tuanjian_domain::{Action, BoundedText, ErrorCode};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::orgs::Org;
use tuanjian_store::star_ratings::config::{keep_standard_tx, standard_tx};
use tuanjian_store::star_ratings::steps::{ScoreChange, save_scores_tx, submit_tx};
use tuanjian_store::star_ratings::{ItemScore, Rating};

use super::{branch_for, eligible, not_rated, open, standard_of, window_text, year_of};
use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// A branch's rating of a year with the year's standard.
pub struct BranchRating {
    pub authority: Authority,
    pub org: Org,
    pub year: RatingYear,
    pub standard: StarStandard,
    /// Why the branch is not rated this year, if it is not.
    pub ineligible: Option<&'static str>,
    pub window: Window,
    /// The round's dates as a sentence (when it opens, that it is open, that it closed).
    pub window_text: String,
    /// `None`: not started.
    pub rating: Option<Rating>,
    pub scores: Vec<ItemScore>,
    /// The viewer is the branch's own admin (assesses and submits).
    pub may_assess: bool,
    /// The viewer is the branch's direct superior (confirms or returns).
    pub may_review: bool,
}

impl BranchRating {
    pub fn state(&self) -> RatingState {
        self.rating
            .as_ref()
            .map_or(RatingState::NotStarted, |r| r.state)
    }

    /// The self-assessment may be changed now by this viewer.
    pub fn editable(&self) -> bool {
        self.may_assess
            && self.ineligible.is_none()
            && self.window == Window::Open
            && self.state().editable()
    }

    /// The superior may confirm or return it now.
    pub fn reviewable(&self) -> bool {
        self.may_review && self.state() == RatingState::Submitted
    }

    /// The stored scores of the item at `seq` (1, 2, ...).
    pub fn score(&self, seq: usize) -> Option<&ItemScore> {
        self.scores.iter().find(|s| s.seq == seq)
    }

    pub fn self_total(&self) -> u32 {
        self.scores.iter().filter_map(|s| s.self_score).sum()
    }

    /// Items of the standard with a self score.
    pub fn scored(&self) -> usize {
        (1..=self.standard.items.len())
            .filter(|seq| self.score(*seq).is_some_and(|s| s.self_score.is_some()))
            .count()
    }

    /// The stars the self-assessment would give.
    pub fn self_stars(&self) -> Option<u8> {
        self.standard.bands.stars(self.self_total())
    }
}

/// The rating of `year` (this year when none) of a branch in the viewer's scope.
pub async fn show(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
) -> Result<BranchRating, Fault> {
    let year = year_of(year)?;
    let (authority, org) = branch_for(app, user, org_id, Action::ViewMembers).await?;
    let standard = standard_of(app, year).await?;
    let rating = app.store.star_rating(org.id, year.get()).await?;
    let scores = match &rating {
        Some(r) => app.store.star_scores(r.id).await?,
        None => Vec::new(),
    };
    let today = beijing_today();
    Ok(BranchRating {
        may_assess: permit(&authority, Action::AssessStars, &org).is_ok(),
        may_review: permit(&authority, Action::ReviewStars, &org).is_ok(),
        ineligible: not_rated(&org, &standard),
        window: standard.window(today),
        window_text: window_text(year, &standard, today),
        authority,
        org,
        year,
        standard,
        rating,
        scores,
    })
}

/// One item's score as typed on the page or sent by the API: the item by its place (1, 2, ...)
/// or its name; an empty score clears the item.
#[derive(Debug, Clone, Default)]
pub struct ScoreInput {
    pub item: String,
    pub score: String,
    pub note: String,
}

/// The item's place (1, 2, ...) in the standard, from its place or its exact name.
pub(crate) fn item_of(standard: &StarStandard, item: &str) -> Result<usize, Fault> {
    let t = item.trim();
    let n = standard.items.len();
    let seq = match t.parse::<usize>() {
        Ok(seq) => Some(seq).filter(|s| (1..=n).contains(s)),
        Err(_) => standard
            .items
            .iter()
            .position(|i| i.name == t)
            .map(|i| i + 1),
    };
    seq.ok_or_else(|| {
        Fault::bad_request(
            ErrorCode::StarItemUnknown,
            format!(
                "本年度的对标定级标准共有{n}个项目（第1项至第{n}项：{}），没有“{}”；请刷新页面后重新填写",
                standard
                    .items
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                t.chars().take(30).collect::<String>()
            ),
        )
        .field("item")
    })
}

/// Every row checked against the standard; all faults at once.
fn parse_inputs(standard: &StarStandard, inputs: &[ScoreInput]) -> Result<Vec<ScoreChange>, Fault> {
    let mut changes = Vec::with_capacity(inputs.len());
    let mut first: Option<Fault> = None;
    let mut faults = Vec::new();
    for i in inputs {
        let seq = match item_of(standard, &i.item) {
            Ok(seq) => seq,
            Err(f) => {
                faults.push(f.message.clone());
                first.get_or_insert(f);
                continue;
            }
        };
        let item = &standard.items[seq - 1];
        if i.score.trim().is_empty() {
            changes.push(ScoreChange {
                seq,
                score: None,
                note: None,
            });
            continue;
        }
        let score = match parse_score(&i.score, item) {
            Ok(s) => s,
            Err(e) => {
                faults.push(e.to_string());
                first.get_or_insert(Fault::bad_request(e.code(), "").field("score"));
                continue;
            }
        };
        let note = match i.note.trim() {
            "" => None,
            n => match BoundedText::<NOTE_MAX>::parse(n, "说明") {
                Ok(t) => Some(t.into_string()),
                Err(e) => {
                    faults.push(format!("“{}”的{e}", item.name));
                    first.get_or_insert(Fault::bad_request(e.code(), "").field("note"));
                    continue;
                }
            },
        };
        changes.push(ScoreChange {
            seq,
            score: Some(score),
            note,
        });
    }
    match first {
        None => Ok(changes),
        Some(mut f) => {
            f.message = faults.join("；");
            Err(f)
        }
    }
}

/// Saves the given items' self-assessment of the branch's rating of `year`, creating the
/// rating when it has not started. All or nothing.
pub async fn save(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
    inputs: &[ScoreInput],
) -> Result<Rating, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::AssessStars).await?;
    let mut tx = app.store.begin().await?;
    let standard = standard_tx(&mut tx, year.get())
        .await?
        .unwrap_or_else(|| StarStandard::default_for(year.get()));
    eligible(&org, year, &standard)?;
    open(year, &standard)?;
    let changes = parse_inputs(&standard, inputs)?;
    let rating = save_scores_tx(&mut tx, &user.actor(), &org, year.get(), &changes).await?;
    tx.commit().await?;
    Ok(rating)
}

/// Submits the branch's self-assessment of `year` for the superior's review. The year's
/// standard is stored with the first submission (when none was), so it cannot change under it.
pub async fn submit(app: &App, user: &Signed, org_id: i64, year: &str) -> Result<Rating, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::AssessStars).await?;
    let mut tx = app.store.begin().await?;
    let standard =
        keep_standard_tx(&mut tx, year.get(), &StarStandard::default_for(year.get())).await?;
    eligible(&org, year, &standard)?;
    open(year, &standard)?;
    let rating = submit_tx(&mut tx, &user.actor(), &org, year.get(), &standard).await?;
    tx.commit().await?;
    Ok(rating)
}
