//! One application: who may see it and how, and the review (approve, return, advance) by the
//! branch's own admin, the applicant's withdrawal and resubmission. Each change is one
//! transaction with its audit record (the store's `*_tx`).

use tuanjian_domain::ErrorCode;
use tuanjian_domain::self_service::JoinStage;
use tuanjian_domain::{Action, ActorRole, BoundedText, authorize};
use tuanjian_store::applications::{self, Admission, Application, Resubmission};
use tuanjian_store::scope::AdminScope;

use super::admin_scope;
use super::apply_error::ApplyError;
use super::check::{Fields, check};
use crate::authority::{self, Authority};
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// How the signed-in person sees an application.
#[derive(Debug, Clone)]
pub enum Viewer {
    Applicant,
    /// An admin whose scope covers the organisation; `may_decide` for its own admin.
    Admin {
        scope: AdminScope,
        may_decide: bool,
    },
}

/// The application, if the signed-in person is its applicant or an admin over its
/// organisation; otherwise "not found", so ids cannot be probed.
pub async fn visible(app: &App, user: &Signed, id: i64) -> Result<(Application, Viewer), Fault> {
    let application = app.store.application(id).await?;
    if application.person_id == user.person.id {
        return Ok((application, Viewer::Applicant));
    }
    if let Some(Authority::Admin(scope)) = authority::current(app, user).await?
        && scope.covers(&application.org_path)
    {
        let may_decide = authorize(
            Action::DecideApplication,
            ActorRole::Admin(scope.relation_to(&application.org_path)),
        )
        .is_ok();
        return Ok((application, Viewer::Admin { scope, may_decide }));
    }
    Err(Fault::not_found())
}

/// A decision's comment: optional, required to return.
pub fn comment_of(raw: Option<&str>, required: bool) -> Result<Option<String>, Fault> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return if required {
            Err(Fault::new(
                ErrorCode::CommentRequired,
                "退回时请填写退回意见，说明原因和需要怎样修改",
            )
            .field("comment"))
        } else {
            Ok(None)
        };
    }
    BoundedText::<500>::parse(raw, "审核意见")
        .map(|t| Some(t.into_string()))
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("comment"))
}

/// Approves a registration or a report: the applicant becomes a member of the branch.
pub async fn approve(
    app: &App,
    user: &Signed,
    id: i64,
    comment: Option<&str>,
) -> Result<Application, ApplyError> {
    let scope = admin_scope(app, user).await?;
    let comment = comment_of(comment, false)?;
    let mut tx = app.store.begin().await?;
    applications::approve_tx(
        &mut tx,
        &user.actor(),
        &scope,
        id,
        comment.as_deref(),
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(app.store.application(id).await?)
}

/// Returns (rejects) a pending application with a comment.
pub async fn return_application(
    app: &App,
    user: &Signed,
    id: i64,
    comment: Option<&str>,
) -> Result<Application, ApplyError> {
    let scope = admin_scope(app, user).await?;
    let comment = comment_of(comment, true)?.expect("required");
    let mut tx = app.store.begin().await?;
    applications::return_tx(&mut tx, &user.actor(), &scope, id, &comment).await?;
    tx.commit().await?;
    Ok(app.store.application(id).await?)
}

/// Moves a 我要入团 application to its next stage; the last takes 入团年月 and 发展团员编号.
pub async fn advance(
    app: &App,
    user: &Signed,
    id: i64,
    to: Option<&str>,
    admission: &Admission,
    comment: Option<&str>,
) -> Result<Application, ApplyError> {
    let scope = admin_scope(app, user).await?;
    let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(JoinStage::parse(s).ok_or_else(|| {
            Fault::new(
                ErrorCode::StageInvalid,
                "阶段只能是 activist（入团积极分子）、candidate（发展对象）或 member（团员）",
            )
            .field("to")
        })?),
    };
    let comment = comment_of(comment, false)?;
    let mut tx = app.store.begin().await?;
    applications::advance_tx(
        &mut tx,
        &user.actor(),
        &scope,
        id,
        to,
        admission,
        comment.as_deref(),
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(app.store.application(id).await?)
}

pub async fn withdraw(app: &App, user: &Signed, id: i64) -> Result<Application, ApplyError> {
    let mut tx = app.store.begin().await?;
    applications::withdraw_tx(&mut tx, &user.actor(), user.person.id, id).await?;
    tx.commit().await?;
    Ok(app.store.application(id).await?)
}

/// The applicant corrects a returned or withdrawn application and submits it again.
pub async fn resubmit(
    app: &App,
    user: &Signed,
    id: i64,
    fields: &Fields,
) -> Result<Application, ApplyError> {
    let application = app.store.application(id).await?;
    if application.person_id != user.person.id {
        return Err(Fault::not_found().into());
    }
    // The account's ID number cannot change: the application keeps it.
    let mut fields = fields.clone();
    fields.member.profile.id_number = application.id_number.as_str().to_string();
    let checked = check(app, application.kind, &fields, today()).await?;
    let mut tx = app.store.begin().await?;
    applications::resubmit_tx(
        &mut tx,
        &user.actor(),
        user.person.id,
        id,
        Resubmission {
            branch: &checked.branch,
            name: &checked.name,
            phone: checked.phone.as_deref(),
            member: checked.member,
            home_org: checked.home_org,
            cadre: checked.cadre,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(app.store.application(id).await?)
}
