//! The direct superior's decision on a submitted round: certify (审核认证), which writes each
//! member's 团籍注册 for the year, or return with a comment.

use tuanjian_domain::review::ReviewYear;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::reviews::Round;
use tuanjian_store::reviews::steps::{Certified, certify_tx, return_tx};

use super::{branch_for, year_of};
use crate::context::App;
use crate::fault::Fault;
use crate::leaving::text;
use crate::signed::Signed;

/// Certifies the branch's submitted round of `year`.
pub async fn certify(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
) -> Result<(Round, Certified), Fault> {
    let year: ReviewYear = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::CertifyReview).await?;
    let mut tx = app.store.begin().await?;
    let done = certify_tx(&mut tx, &user.actor(), &org, year.get()).await?;
    tx.commit().await?;
    Ok(done)
}

/// Returns the branch's submitted round of `year`; the comment says what to correct.
pub async fn return_round(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
    comment: &str,
) -> Result<Round, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::CertifyReview).await?;
    if comment.trim().is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::CommentRequired,
            "退回时请填写退回意见，说明团支部需要更正哪些团员的评议等次",
        )
        .field("comment"));
    }
    let comment = text(comment, "comment", "退回意见")?;
    let mut tx = app.store.begin().await?;
    let round = return_tx(&mut tx, &user.actor(), &org, year.get(), &comment).await?;
    tx.commit().await?;
    Ok(round)
}
