//! 学校机构编号 (seed question 1): a school organisation's own admin fills it in from the
//! notice on its home page. Leading bodies are never schools and never get this function.

use tuanjian_domain::{Action, ErrorCode, SchoolCode};
use tuanjian_store::org_info::write_info_fields;
use tuanjian_store::orgs::Org;

use crate::context::App;
use crate::fault::Fault;
use crate::org_setup::admin_target;
use crate::signed::Signed;

/// The organisation, if its own admin asks and it is an independent school organisation.
pub async fn school(app: &App, user: &Signed, id: i64) -> Result<Org, Fault> {
    let (_, org) = admin_target(app, user, id, Action::SetSchoolCode).await?;
    if org.level.is_leading_body() {
        return Err(
            Fault::forbidden("团的领导机关不是学校，没有“学校机构编号”，无需填写")
                .with_code(ErrorCode::NotSchool),
        );
    }
    if !app.store.is_school_org(&org).await? {
        return Err(Fault::forbidden(
            "只有独立的学校团组织需要填写学校机构编号：本组织的单位所属行业类别不是学校，或者是学校下属的院系、班级团组织",
        )
        .with_code(ErrorCode::NotSchool));
    }
    Ok(org)
}

/// The code as saved, empty while none is.
pub async fn saved_code(app: &App, org: &Org) -> Result<String, Fault> {
    Ok(app
        .store
        .org_info(org.id)
        .await?
        .school_code
        .unwrap_or_default())
}

/// Checks and saves the code (audited; completeness refreshed). Returns the saved code.
pub async fn save(app: &App, user: &Signed, org: &Org, input: &str) -> Result<String, Fault> {
    let code = SchoolCode::parse(input).map_err(|e| {
        Fault::new(ErrorCode::SchoolCodeInvalid, e.to_string()).field("school_code")
    })?;
    let mut tx = app.store.begin().await?;
    let mut info = tuanjian_store::org_info::org_info_tx(&mut tx, org.id).await?;
    info.school_code = Some(code.as_str().to_string());
    write_info_fields(&mut tx, &user.actor(), org, &info).await?;
    tx.commit().await?;
    Ok(code.as_str().to_string())
}
