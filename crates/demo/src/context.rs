//! What the database holds before the demo writes: the top of the tree, names and numbers in
//! use, and the next free ids.

use std::collections::HashSet;

use anyhow::Context as _;
use tuanjian_store::{Tx, demo_data};

use crate::regions::ExistingOrg;

pub struct Existing {
    pub root_id: i64,
    pub provincial: Vec<ExistingOrg>,
    pub full_names: HashSet<String>,
    pub id_numbers: Vec<String>,
    pub dev_numbers: Vec<String>,
    pub next_org_id: i64,
    pub next_person_id: i64,
    pub next_post_id: i64,
}

pub async fn load(tx: &mut Tx) -> anyhow::Result<Existing> {
    let found = demo_data::existing(tx).await?;
    let root_id = found
        .root_id
        .context("数据库中没有团中央，请先执行 tuanjian init")?;
    let provincial = found
        .provincial
        .into_iter()
        .map(|o| ExistingOrg {
            id: o.id,
            path: o.path,
            short_name: o.short_name,
            full_name: o.full_name,
            kind: o.kind,
            xinjiang: o.xinjiang,
        })
        .collect();
    Ok(Existing {
        root_id,
        provincial,
        full_names: found.full_names,
        id_numbers: found.id_numbers,
        dev_numbers: found.dev_numbers,
        next_org_id: found.next_org_id,
        next_person_id: found.next_person_id,
        next_post_id: found.next_post_id,
    })
}
