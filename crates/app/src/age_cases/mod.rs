//! 入团年龄特殊情况 (seed, question 4): filing a case (the developing branch's admin or one
//! above it), the province's 汇总 list with its forwarding (报团中央) and Excel export, and
//! 团中央's entry of the member with the age rule waived. Pages and API call these.

pub mod enter;
pub mod file;
pub mod lists;

use tuanjian_domain::{Action, ActorRole, BoundedText, ErrorCode, OrgLevel, authorize};
use tuanjian_store::scope::AdminScope;

use crate::authority;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

const ADMINS_ONLY: &str = "入团年龄特殊情况由组织管理员办理，请在首页切换到管理员身份";

/// The signed-in admin's scope.
pub(crate) async fn admin(app: &App, user: &Signed) -> Result<AdminScope, Fault> {
    authority::admin_scope(app, user, ADMINS_ONLY).await
}

/// Whether the admin acts for 团中央.
pub fn is_central(scope: &AdminScope) -> bool {
    scope.org().level == OrgLevel::Central
}

/// The province whose list the admin keeps: its own organisation, a provincial committee.
pub fn gathering_province(scope: &AdminScope) -> Result<i64, Fault> {
    let org = scope.org();
    authorize(
        Action::GatherAgeCases,
        ActorRole::Admin(scope.relation_to(&org.path)),
    )?;
    if org.level != OrgLevel::Provincial {
        return Err(Fault::forbidden(
            "入团年龄特殊情况由省级团委管理员汇总后报团中央；其他组织请在本组织页面报送，汇总名单由省级团委查看",
        )
        .with_code(ErrorCode::ProvinceOnly));
    }
    Ok(org.id)
}

/// 团中央's admin, or the refusal saying who enters such members.
pub fn central_only(scope: &AdminScope, branch: &tuanjian_store::orgs::Org) -> Result<(), Fault> {
    authorize(
        Action::EnterAgeCase,
        ActorRole::Admin(scope.relation_to(&branch.path)),
    )?;
    if !is_central(scope) {
        return Err(Fault::forbidden(
            "因入团年龄问题无法录入的团员，由团中央管理员统一录入；省级团委请将情况汇总后报团中央",
        )
        .with_code(ErrorCode::CentralOnly));
    }
    Ok(())
}

/// A comment or reason: required, at most 500 characters.
pub(crate) fn required_text(
    raw: Option<&str>,
    label: &'static str,
    field: &'static str,
    missing: &str,
) -> Result<String, Fault> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Err(Fault::new(ErrorCode::RequiredMissing, missing).field(field));
    }
    BoundedText::<500>::parse(raw, label)
        .map(BoundedText::into_string)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field(field))
}

/// The 团支部 a case is filed for, in the admin's scope (any admin at or above it).
pub async fn admin_target_branch(
    app: &App,
    user: &Signed,
    branch_id: i64,
) -> Result<tuanjian_store::orgs::Org, Fault> {
    let (_, branch) =
        crate::org_setup::admin_target(app, user, branch_id, Action::FileAgeCase).await?;
    if !branch.kind.is_branch() {
        let f = tuanjian_domain::MemberFault::not_a_branch(&branch.full_name);
        return Err(Fault::with_status(409, f.code(), f.message).field("branch_id"));
    }
    Ok(branch)
}

/// One case as the admin may see it (its branch in the admin's scope, else "not found"), with
/// whether the admin may enter it (团中央, forwarded) and return it (团中央 a forwarded one,
/// the province one waiting to be gathered).
pub async fn case_view(
    app: &App,
    user: &Signed,
    id: i64,
) -> Result<(tuanjian_store::age_cases::AgeCase, bool, bool), Fault> {
    use tuanjian_store::age_cases::AgeCaseStatus;
    let scope = admin(app, user).await?;
    let case = app.store.age_case(id).await?;
    if !scope.covers(&case.branch_path) {
        return Err(Fault::not_found());
    }
    let central = is_central(&scope);
    let forwarded = case.status == AgeCaseStatus::Forwarded;
    let province = gathering_province(&scope).is_ok_and(|p| p == case.province_id);
    let may_enter = central && forwarded;
    let may_return = may_enter || (province && case.status == AgeCaseStatus::Collecting);
    Ok((case, may_enter, may_return))
}
