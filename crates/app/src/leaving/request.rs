//! 退团 as the member's own request (domain reference §7.2: the member asks, the branch
//! decides, the superior is informed): the member asks from 个人中心 with a reason and may take
//! it back while it waits; the branch's own admin accepts it with the date (退团 takes effect;
//! the superior sees it among its branches' changes, 备案) or declines it with a comment.

use tuanjian_domain::leaving::{Step, Way, parse_date};
use tuanjian_domain::{Action, ErrorCode, MembershipStatus};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::leaving::request::{cancel_tx, decide_request_tx, request_tx};
use tuanjian_store::leaving::{ChangeKind, HistoryEntry};

use super::{member_for, text};
use crate::context::App;
use crate::fault::Fault;
use crate::me::no_member_record;
use crate::signed::Signed;

/// The signed-in member asks their branch for 退团.
pub async fn ask(app: &App, user: &Signed, reason: &str) -> Result<(), Fault> {
    let id = user.person.id;
    if app.store.standing(id).await?.is_none() {
        return Err(no_member_record("申请退团"));
    }
    let reason = text(reason, "reason", "退团理由")?;
    let mut tx = app.store.begin().await?;
    request_tx(&mut tx, &user.actor(), id, &reason).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed-in member takes their waiting 退团 request back.
pub async fn take_back(app: &App, user: &Signed) -> Result<(), Fault> {
    let id = user.person.id;
    if app.store.standing(id).await?.is_none() {
        return Err(no_member_record("撤回退团申请"));
    }
    let mut tx = app.store.begin().await?;
    cancel_tx(&mut tx, &user.actor(), id).await?;
    tx.commit().await?;
    Ok(())
}

/// The branch's admin accepts the member's request: 退团 on `date` (not after today).
pub async fn accept(
    app: &App,
    user: &Signed,
    person_id: i64,
    date: &str,
) -> Result<MembershipStatus, Fault> {
    member_for(app, user, person_id, Action::DecideLeaving).await?;
    let date = parse_date(date, beijing_today())
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("date"))?;
    let mut tx = app.store.begin().await?;
    let after = decide_request_tx(&mut tx, &user.actor(), person_id, Ok(date)).await?;
    tx.commit().await?;
    Ok(after)
}

/// The branch's admin declines the member's request; the comment tells the member why.
pub async fn decline(
    app: &App,
    user: &Signed,
    person_id: i64,
    comment: &str,
) -> Result<MembershipStatus, Fault> {
    member_for(app, user, person_id, Action::DecideLeaving).await?;
    if comment.trim().is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::CommentRequired,
            "不同意退团时请填写意见，告诉团员不同意的原因",
        )
        .field("comment"));
    }
    let comment = text(comment, "comment", "意见")?;
    let mut tx = app.store.begin().await?;
    let after = decide_request_tx(&mut tx, &user.actor(), person_id, Err(&comment)).await?;
    tx.commit().await?;
    Ok(after)
}

/// Where a member's 退团 request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    Waiting,
    TakenBack,
    Accepted,
    Declined,
}

impl RequestState {
    pub fn code(self) -> &'static str {
        match self {
            RequestState::Waiting => "waiting",
            RequestState::TakenBack => "taken_back",
            RequestState::Accepted => "accepted",
            RequestState::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestState::Waiting => "等待团支部处理",
            RequestState::TakenBack => "已撤回",
            RequestState::Accepted => "团支部已同意，已退团",
            RequestState::Declined => "团支部不同意",
        }
    }
}

/// One 退团 request of the member with what became of it.
#[derive(Debug, Clone)]
pub struct OwnRequest {
    pub asked: HistoryEntry,
    pub state: RequestState,
    /// The step that ended it: the branch's date or comment.
    pub answer: Option<HistoryEntry>,
}

/// The member's 退团 requests in a history (oldest step first), newest request first.
pub fn requests_in(history: &[HistoryEntry]) -> Vec<OwnRequest> {
    let withdrawn = ChangeKind::Leave(Way::Withdrawn);
    let mut out: Vec<OwnRequest> = Vec::new();
    let mut open: Option<HistoryEntry> = None;
    for h in history.iter().filter(|h| h.kind == withdrawn) {
        let state = match h.step {
            Step::Requested => {
                open = Some(h.clone());
                continue;
            }
            Step::RequestCancelled => RequestState::TakenBack,
            Step::Declined => RequestState::Declined,
            // A decision only answers a request made online while one waits.
            Step::Decided if open.is_some() => RequestState::Accepted,
            _ => continue,
        };
        if let Some(asked) = open.take() {
            out.push(OwnRequest {
                asked,
                state,
                answer: Some(h.clone()),
            });
        }
    }
    if let Some(asked) = open {
        out.push(OwnRequest {
            asked,
            state: RequestState::Waiting,
            answer: None,
        });
    }
    out.reverse();
    out
}

/// The member's waiting request in a history, if the state says one waits.
pub fn waiting_in(status: MembershipStatus, history: &[HistoryEntry]) -> Option<HistoryEntry> {
    if status != MembershipStatus::WithdrawnPending {
        return None;
    }
    requests_in(history)
        .into_iter()
        .find(|r| r.state == RequestState::Waiting)
        .map(|r| r.asked)
}
