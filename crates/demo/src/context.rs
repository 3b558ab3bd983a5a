//! What the database holds before the demo writes (`tuanjian_store::demo_data::Existing`),
//! once `init` has made the top of the tree.

use anyhow::Context as _;
use tuanjian_store::Tx;
use tuanjian_store::demo_data::{self, Existing};

/// The root's id and what exists; without a root (before `tuanjian init`) the demo cannot
/// start.
pub async fn load(tx: &mut Tx) -> anyhow::Result<(i64, Existing)> {
    let found = demo_data::existing(tx).await?;
    let root_id = found
        .root_id
        .context("数据库中没有团中央，请先执行 tuanjian init")?;
    Ok((root_id, found))
}
