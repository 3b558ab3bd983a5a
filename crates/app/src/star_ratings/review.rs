//! The direct superior's decision on a submitted self-assessment: confirm it with its reviewed
//! scores (each defaulting to the branch's own; the stars follow from the reviewed total under
//! the year's bands), or return it with a comment.

use tuanjian_domain::star_rating::round::parse_score;
use tuanjian_domain::star_rating::standard::StarStandard;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::star_ratings::Rating;
use tuanjian_store::star_ratings::config::standard_tx;
use tuanjian_store::star_ratings::steps::{confirm_tx, return_tx};

use super::assess::{ScoreInput, item_of};
use super::{branch_for, year_of};
use crate::context::App;
use crate::fault::Fault;
use crate::leaving::text;
use crate::signed::Signed;

/// The reviewed scores given (an empty score keeps the branch's own); all faults at once.
fn reviewed_scores(
    standard: &StarStandard,
    inputs: &[ScoreInput],
) -> Result<Vec<(usize, u32)>, Fault> {
    let mut out = Vec::new();
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
        if i.score.trim().is_empty() {
            continue;
        }
        match parse_score(&i.score, &standard.items[seq - 1]) {
            Ok(s) => out.push((seq, s)),
            Err(e) => {
                faults.push(format!("审核{e}"));
                first.get_or_insert(Fault::bad_request(e.code(), "").field("score"));
            }
        }
    }
    match first {
        None => Ok(out),
        Some(mut f) => {
            f.message = faults.join("；");
            Err(f)
        }
    }
}

/// Confirms the branch's submitted rating of `year` with the reviewed scores given.
pub async fn confirm(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
    reviewed: &[ScoreInput],
) -> Result<Rating, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::ReviewStars).await?;
    let mut tx = app.store.begin().await?;
    // A submitted year has its standard stored; a year nobody submitted is refused below.
    let standard = standard_tx(&mut tx, year.get())
        .await?
        .unwrap_or_else(|| StarStandard::default_for(year.get()));
    let scores = reviewed_scores(&standard, reviewed)?;
    let rating = confirm_tx(&mut tx, &user.actor(), &org, year.get(), &standard, &scores).await?;
    tx.commit().await?;
    Ok(rating)
}

/// Returns the branch's submitted rating of `year`; the comment says what to correct.
pub async fn return_rating(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
    comment: &str,
) -> Result<Rating, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::ReviewStars).await?;
    if comment.trim().is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::CommentRequired,
            "退回时请填写退回意见，说明团支部需要更正哪些项目的自评",
        )
        .field("comment"));
    }
    let comment = text(comment, "comment", "退回意见")?;
    let mut tx = app.store.begin().await?;
    let rating = return_tx(&mut tx, &user.actor(), &org, year.get(), &comment).await?;
    tx.commit().await?;
    Ok(rating)
}
