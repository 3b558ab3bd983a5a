//! The person changes their own contact and study/work details: the fields `OwnDetailsInput`
//! holds, under the same rules as an admin's edit, audited in one transaction. A request that
//! also names a field kept by the province (姓名, 身份证号码) or by the admins (入团年月,
//! 发展团员编号, the Party fields …) is refused as a whole, saying who changes it.

use tuanjian_domain::own_details::{OWN_DETAIL_FIELDS, OwnDetailsInput, not_self_editable};
use tuanjian_domain::{Education, ErrorCode, MemberField, Occupation};
use tuanjian_store::member_detail::{PersonFields, label};

use super::{Failure, fields};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// What the client sent.
#[derive(Debug, Clone, Default)]
pub struct DetailsChange {
    /// Self-editable fields to set (empty clears one); those not named keep their value.
    pub set: Vec<(MemberField, String)>,
    /// The keys of other fields the client sent.
    pub other: Vec<String>,
}

/// The stored details as a form shows them (labels for the fixed lists).
pub fn current(p: &PersonFields) -> OwnDetailsInput {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    OwnDetailsInput {
        phone: s(&p.phone),
        email: s(&p.email),
        qq: s(&p.qq),
        wechat: s(&p.wechat),
        full_time_education: label(&p.full_time_education, Education::parse),
        highest_education: label(&p.highest_education, Education::parse),
        occupation: label(&p.occupation, Occupation::parse),
        work_unit: s(&p.work_unit),
        household_place: s(&p.household_place),
    }
}

/// The stored details of the signed-in person, for the edit form.
pub async fn form(app: &App, user: &Signed) -> Result<OwnDetailsInput, Fault> {
    let record = app.store.own_record(user.person.id).await?;
    Ok(current(&record.person))
}

/// Refuses fields the person may not change, each message naming who changes it.
fn refuse_others(other: &[String]) -> Result<(), Fault> {
    let refused: Vec<(MemberField, String)> =
        other.iter().filter_map(|k| not_self_editable(k)).collect();
    let Some((first, _)) = refused.first() else {
        return Ok(());
    };
    let message = refused
        .iter()
        .map(|(_, why)| why.as_str())
        .collect::<Vec<_>>()
        .join("；");
    Err(Fault::new(ErrorCode::NotSelfEditable, format!("没有保存：{message}")).field(first.key()))
}

/// Saves the change; returns the details as now stored.
pub async fn update(
    app: &App,
    user: &Signed,
    change: &DetailsChange,
) -> Result<OwnDetailsInput, Failure> {
    refuse_others(&change.other)?;
    let mut input = form(app, user).await?;
    for (field, value) in &change.set {
        debug_assert!(OWN_DETAIL_FIELDS.contains(field));
        if let Some(slot) = input.get_mut(*field) {
            *slot = value.clone();
        }
    }
    let parsed = input.parse().map_err(fields)?;
    app.store
        .edit_own_details(&user.actor(), user.person.id, &parsed)
        .await?;
    Ok(input)
}
