//! Requests left undecided past `Config::transfer_lapse_days` lapse: run daily by
//! `tuanjian daily` (idempotent; several servers may run it at once, each request lapses once
//! because the update is conditional on its state).

use tuanjian_store::audit::Actor;
use tuanjian_store::transfers;

use crate::context::App;
use crate::fault::Fault;

pub async fn lapse_all(app: &App) -> Result<u64, Fault> {
    let actor = Actor {
        person_id: None,
        role: Some("system".into()),
        client_addr: None,
    };
    let mut tx = app.store.begin().await?;
    let n = transfers::lapse_expired(&mut tx, &actor, None).await?;
    tx.commit().await?;
    Ok(n)
}
