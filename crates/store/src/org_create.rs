//! Creating child organisations, one or many, each with its first registration code, in the
//! caller's transaction: a bulk import is all rows or none.

use crate::audit::Actor;
use crate::orgs::{NewOrg, Org, insert_org};
use crate::reg_codes::{self, CodeRecord};
use crate::{StoreError, Tx};

/// Creates `new` under `parent` (placement and unique full name are checked by `insert_org`)
/// and issues its registration code.
pub async fn create_child(
    tx: &mut Tx,
    actor: &Actor,
    parent: &Org,
    new: &NewOrg<'_>,
) -> Result<(Org, CodeRecord), StoreError> {
    let org = insert_org(tx, actor, Some(parent), new).await?;
    let code = reg_codes::issue(tx, actor, org.id).await?;
    Ok((org, code))
}

/// Creates every organisation in order; the first refusal stops and the caller rolls back.
/// The error says which one (0-based index) was refused.
pub async fn create_children(
    tx: &mut Tx,
    actor: &Actor,
    parent: &Org,
    new: &[NewOrg<'_>],
) -> Result<Vec<(Org, CodeRecord)>, (usize, StoreError)> {
    let mut out = Vec::with_capacity(new.len());
    for (i, n) in new.iter().enumerate() {
        out.push(
            create_child(tx, actor, parent, n)
                .await
                .map_err(|e| (i, e))?,
        );
    }
    Ok(out)
}

/// Which of these full names are already taken, in one query per chunk (bulk validation
/// before anything is written).
pub async fn taken_full_names(
    store: &crate::Store,
    names: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut taken = Vec::new();
    // One query per name keeps the SQL static; imports are at most a few thousand rows and
    // each lookup is one probe of the unique index.
    let mut conn = store.pool().acquire().await?;
    for n in names {
        let hit: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE full_name = $1")
            .bind(n)
            .fetch_optional(&mut *conn)
            .await?;
        if hit.is_some() {
            taken.push(n.clone());
        }
    }
    Ok(taken)
}
