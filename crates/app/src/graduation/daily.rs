//! `tuanjian daily`: what a scheduler runs once a day (several servers may run it at once;
//! every change is conditional, so each happens once): student branches whose graduation
//! month has come become 毕业生团组织, and transfer requests left too long lapse.

use serde::Serialize;
use tuanjian_store::audit::Actor;
use tuanjian_store::graduation::{self, Converted};

use super::this_month;
use crate::context::App;
use crate::fault::Fault;

/// A branch converted today, with how many of its members are listed for transfer.
#[derive(Debug, Clone, Serialize)]
pub struct ConvertedBranch {
    #[serde(flatten)]
    pub branch: Converted,
    pub to_transfer: usize,
    pub late: usize,
}

/// What one run did.
#[derive(Debug, Clone, Serialize)]
pub struct DailyReport {
    /// The month judged (Beijing time), `YYYY-MM`.
    pub month: String,
    pub converted: Vec<ConvertedBranch>,
    /// Transfer requests lapsed.
    pub lapsed_transfers: u64,
}

pub async fn run_daily(app: &App) -> Result<DailyReport, Fault> {
    let month = this_month();
    let actor = Actor {
        person_id: None,
        role: Some("system".into()),
        client_addr: None,
    };
    let mut tx = app.store.begin().await?;
    let converted = graduation::convert_due(&mut tx, &actor, month).await?;
    tx.commit().await?;
    let mut out = Vec::with_capacity(converted.len());
    for branch in converted {
        let g = app.store.graduates(branch.org_id, month).await?;
        out.push(ConvertedBranch {
            branch,
            to_transfer: g.ready.len(),
            late: g.late.len(),
        });
    }
    let lapsed_transfers = crate::transfers::lapse::lapse_all(app).await?;
    Ok(DailyReport {
        month: month.to_string(),
        converted: out,
        lapsed_transfers,
    })
}
