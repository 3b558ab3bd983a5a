//! A province's 团费 bands: read by anyone who records or checks dues under it, set by the
//! provincial committee's own admin (`ConfigureDuesBands`), starting from the national
//! defaults. Months already recorded keep what was due then.

use tuanjian_domain::dues::BandsInput;
use tuanjian_domain::{Action, ErrorCode, OrgLevel};
use tuanjian_store::dues::ProvinceBands;
use tuanjian_store::dues::record::set_bands_tx;
use tuanjian_store::orgs::Org;

use super::org_for;
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

pub struct BandsView {
    pub org: Org,
    pub bands: ProvinceBands,
    /// The viewer is the province's own admin.
    pub may_set: bool,
}

fn province_only(org: &Org) -> Result<(), Fault> {
    if org.level == OrgLevel::Provincial {
        Ok(())
    } else {
        Err(Fault::forbidden(format!(
            "{}不是省级团委：团费收缴标准由各省级团委的管理员设置，其他组织按所在省的标准执行",
            org.full_name
        ))
        .with_code(ErrorCode::ProvinceOnly))
    }
}

/// The bands of a province (the organisation must be one).
pub async fn view(app: &App, user: &Signed, org_id: i64) -> Result<BandsView, Fault> {
    let (authority, org) = org_for(app, user, org_id, Action::View).await?;
    province_only(&org)?;
    let bands = app.store.dues_bands(Some(org.id)).await?;
    Ok(BandsView {
        may_set: permit(&authority, Action::ConfigureDuesBands, &org).is_ok(),
        org,
        bands,
    })
}

/// Sets the province's bands; every faulty field named at once.
pub async fn set(
    app: &App,
    user: &Signed,
    org_id: i64,
    input: &BandsInput,
) -> Result<BandsView, Fault> {
    let (_, org) = org_for(app, user, org_id, Action::ConfigureDuesBands).await?;
    province_only(&org)?;
    let bands = input.parse().map_err(|faults| {
        let field = faults[0].field;
        Fault::bad_request(
            ErrorCode::DuesBandsInvalid,
            faults
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join("；"),
        )
        .field(field)
    })?;
    let mut tx = app.store.begin().await?;
    set_bands_tx(&mut tx, &user.actor(), &org, &bands).await?;
    tx.commit().await?;
    view(app, user, org_id).await
}
