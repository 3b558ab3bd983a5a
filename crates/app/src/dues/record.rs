//! Recording a branch's month (the page's ticks, the API's amounts), correcting one record with
//! its reason, and declaring a member's income: the branch's own admin (`RecordDues`), each one
//! transaction with its audit record.

use tuanjian_domain::dues::Fen;
use tuanjian_domain::text::BoundedText;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::dues::BranchMonth;
use tuanjian_store::dues::record::{
    Corrected, PaymentEntry, Recorded, branch_month_in_tx, correct_tx, declare_income_tx,
    record_month_tx,
};

use super::{branch_for, month_of};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// One member's month as sent: the amount paid in 元 (empty: not paid).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PaymentInput {
    pub person_id: i64,
    #[serde(default)]
    pub paid: String,
}

/// The longest correction reason.
pub const REASON_MAX: usize = 200;

/// Reads every amount, naming each faulty one with the member.
fn parse_inputs(
    inputs: &[PaymentInput],
    name_of: impl Fn(i64) -> Option<String>,
) -> Result<Vec<PaymentEntry>, Fault> {
    let mut out = Vec::with_capacity(inputs.len());
    let mut faults = Vec::new();
    for i in inputs {
        match Fen::parse_optional(&i.paid, "实缴金额") {
            Ok(paid) => out.push(PaymentEntry {
                person_id: i.person_id,
                paid,
            }),
            Err(e) => {
                let who = name_of(i.person_id).unwrap_or_else(|| format!("编号{}", i.person_id));
                faults.push(format!("{who}：{e}"));
            }
        }
    }
    if faults.is_empty() {
        Ok(out)
    } else {
        Err(Fault::bad_request(ErrorCode::AmountInvalid, faults.join("；")).field("paid"))
    }
}

/// Records the month for the members given (a member left out is not touched; one with an
/// empty amount is recorded as not paid). All or nothing.
pub async fn record(
    app: &App,
    user: &Signed,
    org_id: i64,
    month: &str,
    inputs: &[PaymentInput],
) -> Result<(Recorded, BranchMonth), Fault> {
    let month = month_of(Some(month))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordDues).await?;
    if inputs.is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::RequiredMissing,
            "没有要记录的团员：请至少为一名团员记录本月团费",
        )
        .field("payments"));
    }
    let names = app
        .store
        .dues_branch_month(org.id, org.province_id, month)
        .await?;
    let entries = parse_inputs(inputs, |id| {
        names
            .members
            .iter()
            .find(|m| m.person_id == id)
            .map(|m| m.name.clone())
    })?;
    let mut tx = app.store.begin().await?;
    let done =
        record_month_tx(&mut tx, &user.actor(), &org, month, &entries, "dues.record").await?;
    tx.commit().await?;
    Ok(done)
}

/// The page's form: the members ticked as paid (each paying what is due now, or the amount
/// typed beside them); every other member of the month is recorded as not paid.
pub async fn record_ticked(
    app: &App,
    user: &Signed,
    org_id: i64,
    month: &str,
    ticked: &[i64],
    amounts: &[(i64, String)],
) -> Result<(Recorded, BranchMonth), Fault> {
    let m = month_of(Some(month))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordDues).await?;
    let view = app
        .store
        .dues_branch_month(org.id, org.province_id, m)
        .await?;
    let inputs: Vec<PaymentInput> = view
        .members
        .iter()
        .filter(|x| x.joined_by(m))
        .map(|x| PaymentInput {
            person_id: x.person_id,
            paid: if ticked.contains(&x.person_id) {
                amounts
                    .iter()
                    .find(|(id, a)| *id == x.person_id && !a.trim().is_empty())
                    .map(|(_, a)| a.clone())
                    .unwrap_or_else(|| x.due_now.to_string())
            } else {
                String::new()
            },
        })
        .collect();
    record(app, user, org_id, month, &inputs).await
}

/// A correction's reason: required, bounded.
fn reason(input: &str) -> Result<String, Fault> {
    if input.trim().is_empty() {
        return Err(Fault::of(ErrorCode::DuesReasonRequired).field("reason"));
    }
    BoundedText::<REASON_MAX>::parse(input, "更正原因")
        .map(BoundedText::into_string)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("reason"))
}

/// Corrects what a member paid in `month` to the branch (where the record is).
pub async fn correct(
    app: &App,
    user: &Signed,
    org_id: i64,
    person_id: i64,
    month: &str,
    paid: &str,
    reason_text: &str,
) -> Result<Corrected, Fault> {
    let month = month_of(Some(month))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordDues).await?;
    let paid = Fen::parse_yuan(paid, "实缴金额")
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("paid"))?;
    let why = reason(reason_text)?;
    let mut tx = app.store.begin().await?;
    let done = correct_tx(&mut tx, &user.actor(), &org, person_id, month, paid, &why).await?;
    tx.commit().await?;
    Ok(done)
}

/// Declares (or, empty, withdraws) a member's monthly income for dues.
pub async fn declare_income(
    app: &App,
    user: &Signed,
    org_id: i64,
    person_id: i64,
    income: &str,
) -> Result<(), Fault> {
    let (_, org) = branch_for(app, user, org_id, Action::RecordDues).await?;
    let income = Fen::parse_optional(income, "月收入")
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("income"))?;
    let mut tx = app.store.begin().await?;
    let view = branch_month_in_tx(&mut tx, &org, super::current_month()).await?;
    let Some(member) = view.members.iter().find(|m| m.person_id == person_id) else {
        return Err(Fault::bad_request(
            ErrorCode::DuesMemberUnknown,
            format!(
                "编号为{person_id}的人员不是{}团籍正常的团员，请刷新页面后重新填写",
                org.full_name
            ),
        ));
    };
    declare_income_tx(&mut tx, &user.actor(), &org, member, income).await?;
    tx.commit().await?;
    Ok(())
}
