//! What the database holds before the demo writes: the top of the tree, names and numbers in
//! use, and the next free ids.

use std::collections::HashSet;

use anyhow::Context as _;
use sqlx::Row;
use tuanjian_domain::OrgKind;
use tuanjian_store::Tx;

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
    let root_id: i64 =
        sqlx::query_scalar("SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?
            .context("数据库中没有团中央，请先执行 tuanjian init")?;
    let rows = sqlx::query(
        "SELECT id, path, short_name, full_name, kind, xinjiang FROM orgs \
         WHERE parent_id = $1 AND level = 'provincial' ORDER BY id",
    )
    .bind(root_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut provincial = Vec::with_capacity(rows.len());
    for row in rows {
        let kind: String = row.try_get("kind")?;
        provincial.push(ExistingOrg {
            id: row.try_get("id")?,
            path: row.try_get("path")?,
            short_name: row.try_get("short_name")?,
            full_name: row.try_get("full_name")?,
            kind: OrgKind::parse(&kind)?,
            xinjiang: row.try_get::<i64, _>("xinjiang")? != 0,
        });
    }
    let full_names = sqlx::query_scalar::<_, String>("SELECT full_name FROM orgs")
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
    let id_numbers = sqlx::query_scalar("SELECT id_number FROM people")
        .fetch_all(&mut **tx)
        .await?;
    let dev_numbers =
        sqlx::query_scalar("SELECT dev_number FROM members WHERE dev_number IS NOT NULL")
            .fetch_all(&mut **tx)
            .await?;
    let next_org_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM orgs")
        .fetch_one(&mut **tx)
        .await?;
    let next_person_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM people")
        .fetch_one(&mut **tx)
        .await?;
    let next_post_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM cadre_posts")
        .fetch_one(&mut **tx)
        .await?;
    Ok(Existing {
        root_id,
        provincial,
        full_names,
        id_numbers,
        dev_numbers,
        next_org_id,
        next_person_id,
        next_post_id,
    })
}
