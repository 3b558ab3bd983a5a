//! The data step of migration 0013: the keys names are listed by (`orgs.sort_key`,
//! `people.name_sort`, copied to `members.person_sort` by trigger) for rows stored before the
//! migration. SQL cannot compute them (pinyin), so `Store::migrate` runs this after the SQL
//! migrations, every time: it fills only keys still empty, in batches of one transaction each,
//! so a large database is filled without one long lock and a second server running it at the
//! same time writes the same values. New rows get their keys from the statements that write
//! them (`orgs::insert_org`, `org_info::rename_org`, the people inserts, `demo_data`).

use tuanjian_domain::name_order::{person_sort_key, sort_key};

use crate::{Store, StoreError};

/// Rows filled per transaction.
const BATCH: i64 = 500;

/// Fills every empty key; answers how many organisations and people it filled.
pub(crate) async fn fill_missing(store: &Store) -> Result<(u64, u64), StoreError> {
    let mut orgs = 0;
    loop {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, full_name FROM orgs WHERE sort_key IS NULL ORDER BY id LIMIT $1",
        )
        .bind(BATCH)
        .fetch_all(store.pool())
        .await?;
        if rows.is_empty() {
            break;
        }
        let mut tx = store.begin().await?;
        for (id, name) in &rows {
            sqlx::query("UPDATE orgs SET sort_key = $1 WHERE id = $2 AND sort_key IS NULL")
                .bind(sort_key(name))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        orgs += rows.len() as u64;
    }
    let mut people = 0;
    loop {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM people WHERE name_sort IS NULL ORDER BY id LIMIT $1",
        )
        .bind(BATCH)
        .fetch_all(store.pool())
        .await?;
        if rows.is_empty() {
            break;
        }
        let mut tx = store.begin().await?;
        for (id, name) in &rows {
            // The trigger people_copy_to_members copies the key to the person's memberships.
            sqlx::query("UPDATE people SET name_sort = $1 WHERE id = $2 AND name_sort IS NULL")
                .bind(person_sort_key(name))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        people += rows.len() as u64;
    }
    Ok((orgs, people))
}

#[cfg(test)]
mod tests {
    use tuanjian_domain::{IdNumber, OrgClass, OrgKind, OrgLevel};

    use super::*;
    use crate::audit::Actor;
    use crate::orgs::{NewOrg, insert_org};
    use crate::people::insert_person;
    use crate::test_support::{PgDb, sqlite_store};

    #[tokio::test]
    async fn old_rows_sqlite() {
        let (store, _file) = sqlite_store().await;
        old_rows_get_their_keys(&store).await;
    }

    #[tokio::test]
    async fn old_rows_postgres() {
        let (store, db) = PgDb::new().await;
        old_rows_get_their_keys(&store).await;
        db.drop_db(store).await;
    }

    /// Rows as a database from before migration 0013 holds them: names without keys.
    async fn old_rows_get_their_keys(store: &Store) {
        let mut tx = store.begin().await.unwrap();
        let org = insert_org(
            &mut tx,
            &Actor::default(),
            None,
            &NewOrg {
                class: OrgClass {
                    level: OrgLevel::Central,
                    kind: OrgKind::Committee,
                },
                short_name: "团中央",
                full_name: "共青团中央（１０）",
                xinjiang: false,
            },
        )
        .await
        .unwrap();
        let person = insert_person(
            &mut tx,
            &Actor::default(),
            &IdNumber::parse("11010519491231002X").unwrap(),
            "张三",
            None,
            None,
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO members (person_id, org_id, org_path, status, created_at) \
             VALUES ($1, $2, $3, 'normal', 0)",
        )
        .bind(person.id)
        .bind(org.id)
        .bind(org.path.as_str())
        .execute(&mut *tx)
        .await
        .unwrap();
        let copied: Option<String> =
            sqlx::query_scalar("SELECT person_sort FROM members WHERE person_id = $1")
                .bind(person.id)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        assert_eq!(copied.as_deref(), Some(person_sort_key("张三").as_str()));
        sqlx::query("UPDATE orgs SET sort_key = NULL")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE people SET name_sort = NULL")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let copied: Option<String> =
            sqlx::query_scalar("SELECT person_sort FROM members WHERE person_id = $1")
                .bind(person.id)
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(copied, None, "the trigger copies the emptied key");

        store.migrate().await.unwrap();
        let key: String = sqlx::query_scalar("SELECT sort_key FROM orgs WHERE id = $1")
            .bind(org.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(key, sort_key("共青团中央（１０）"));
        let copied: String =
            sqlx::query_scalar("SELECT person_sort FROM members WHERE person_id = $1")
                .bind(person.id)
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(copied, person_sort_key("张三"));
        // Nothing left to do: a second run fills nothing.
        assert_eq!(fill_missing(store).await.unwrap(), (0, 0));
    }
}
