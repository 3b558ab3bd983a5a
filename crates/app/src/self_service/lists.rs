//! Lists of applications: the applicant's own, and an organisation's for its admins (with the
//! status filter); and the application an applicant is about to correct.

use tuanjian_domain::self_service::ApplicationStatus;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::applications::{Application, ApplicationPage, status_text};
use tuanjian_store::orgs::Org;

use super::admin_scope;
use super::review::{Viewer, visible};
use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// Applications per page of an organisation's list.
pub const PER_PAGE: i64 = 20;

/// The signed-in person's own applications, newest first.
pub async fn mine(app: &App, user: &Signed) -> Result<Vec<Application>, Fault> {
    Ok(app.store.applications_of(user.person.id).await?)
}

/// The application just submitted, as its applicant sees it.
pub async fn submitted(app: &App, id: i64) -> Result<Application, Fault> {
    Ok(app.store.application(id).await?)
}

/// The organisation (in the admin's scope) and the status filter as typed.
pub async fn list_target(
    app: &App,
    user: &Signed,
    org_id: i64,
    status: Option<&str>,
) -> Result<(Org, Option<ApplicationStatus>), Fault> {
    let scope = admin_scope(app, user).await?;
    let authority = Authority::Admin(scope);
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::ViewMembers, &org)?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ApplicationStatus::parse(s).ok_or_else(|| {
            Fault::new(ErrorCode::StatusInvalid,
                "状态只能是 pending（待审核）、returned（已退回）、approved（已通过）或 withdrawn（已撤回）",
            )
            .field("status")
        })?),
    };
    Ok((org, status))
}

/// A page of an organisation's applications.
pub struct OrgApplications {
    pub org: Org,
    pub status: Option<ApplicationStatus>,
    pub page: ApplicationPage,
    /// How the admin sees every item (one organisation, so one relation).
    pub viewer: Viewer,
}

/// The applications to the organisation `org_id`, `status` only when given.
pub async fn of_org(
    app: &App,
    user: &Signed,
    org_id: i64,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<OrgApplications, Fault> {
    let (org, status) = list_target(app, user, org_id, status).await?;
    let found = app
        .store
        .applications_for_org(org.id, status, page.unwrap_or(1), PER_PAGE)
        .await?;
    let scope = admin_scope(app, user).await?;
    let may_decide = permit(
        &Authority::Admin(scope.clone()),
        Action::DecideApplication,
        &org,
    )
    .is_ok();
    Ok(OrgApplications {
        org,
        status,
        page: found,
        viewer: Viewer::Admin { scope, may_decide },
    })
}

/// The applicant's own application `id` to correct, with the province of its branch (to
/// preselect); refused once it can no longer be changed.
pub async fn to_correct(
    app: &App,
    user: &Signed,
    id: i64,
) -> Result<(Application, Option<i64>), Fault> {
    let (application, viewer) = visible(app, user, id).await?;
    if !matches!(viewer, Viewer::Applicant) || !application.status.may_resubmit() {
        return Err(Fault::new(
            ErrorCode::ApplicationClosed,
            format!(
                "该申请目前为“{}”，不能修改",
                status_text(application.status, application.stage)
            ),
        ));
    }
    let province = app.store.org(application.org_id).await?.province_id;
    Ok((application, province))
}
