//! 团中央 enters the member of a forwarded case: `insert_member_tx` with the joining age waived
//! (and only it: ID number, 发展团员编号 and 号段 still apply), the reason recorded on the
//! member (`members.age_exception`) and in the audit record; the case becomes 已录入. Any other
//! admin is refused, and entering such a member the ordinary way meets the age fault.

use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_domain::{AgeRule, ErrorCode};
use tuanjian_store::age_cases::{self, AgeCaseStatus};
use tuanjian_store::members::{insert_member_tx, parse_member_with};
use tuanjian_store::transfers::org_tx;

use super::{admin, central_only, required_text};
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::members::Failure;
use crate::signed::Signed;

/// What 团中央 adds to the case when entering the member.
#[derive(Debug, Clone, Default)]
pub struct EnterInput {
    /// Why the age rule is waived (recorded on the member and in the audit log).
    pub reason: String,
    /// 民族 and 政治面貌 (the case does not carry them).
    pub ethnicity: String,
    pub political_status: String,
}

/// Enters the member of case `case_id`; returns the person's id.
pub async fn enter(
    app: &App,
    user: &Signed,
    case_id: i64,
    input: &EnterInput,
) -> Result<i64, Failure> {
    let scope = admin(app, user).await?;
    let case = app.store.age_case(case_id).await?;
    if !scope.covers(&case.branch_path) {
        return Err(Fault::not_found().into());
    }
    let mut tx = app.store.begin().await?;
    let branch = org_tx(&mut tx, case.branch_id).await?;
    central_only(&scope, &branch)?;
    if case.status != AgeCaseStatus::Forwarded {
        return Err(Fault::new(
            ErrorCode::AgeCaseNotOpen,
            format!(
                "这份入团年龄特殊情况的状态是“{}”，只有省级团委已报团中央的才能录入",
                case.status.label()
            ),
        )
        .into());
    }
    let reason = required_text(
        Some(&input.reason),
        "录入原因",
        "reason",
        "请填写录入原因（例如省级团委报送的说明及审核意见），它将记入该团员的档案和操作记录",
    )?;
    let member = MemberInput {
        profile: ProfileInput {
            name: case.name.clone(),
            id_number: case.id_number.clone(),
            ethnicity: input.ethnicity.clone(),
            political_status: input.political_status.clone(),
            phone: case.phone.clone(),
            ..ProfileInput::default()
        },
        join_month: case.join_month.clone(),
        dev_number: case.dev_number.clone().unwrap_or_default(),
        ..MemberInput::default()
    };
    let m = parse_member_with(&mut tx, &branch, &member, today(), AgeRule::WaivedByCentral).await?;
    let actor = user.actor();
    let person_id = insert_member_tx(&mut tx, &actor, &scope, &branch, &m).await?;
    age_cases::entered_tx(&mut tx, &actor, &case, person_id, &reason).await?;
    tx.commit().await?;
    Ok(person_id)
}
