//! Creating child organisations, one or many, each with its first registration code, in the
//! caller's transaction: a bulk import is all rows or none.

use tuanjian_domain::text::comparison_key;

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

/// Which of these full names are already taken, each with the stored full name that holds it
/// (the same, or a look-alike equal on the comparison key), for bulk validation before
/// anything is written.
pub async fn taken_full_names(
    store: &crate::Store,
    names: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut taken = Vec::new();
    // One query per name keeps the SQL static; imports are at most a few thousand rows and
    // each lookup is a probe of the two unique indexes.
    let mut conn = store.pool().acquire().await?;
    for n in names {
        let hit: Option<String> = sqlx::query_scalar(
            "SELECT full_name FROM orgs WHERE name_key = $1 OR full_name = $2 \
             ORDER BY CASE WHEN full_name = $2 THEN 0 ELSE 1 END LIMIT 1",
        )
        .bind(comparison_key(n))
        .bind(n)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(holder) = hit {
            taken.push((n.clone(), holder));
        }
    }
    Ok(taken)
}
