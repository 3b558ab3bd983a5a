//! `tuanjian init`: the national root, the provincial-level committees and the first admin.

use tuanjian_domain::provinces::{CENTRAL_FULL_NAME, CENTRAL_SHORT_NAME, PROVINCIAL_COMMITTEES};
use tuanjian_domain::{IdNumber, OrgClass, OrgKind, OrgLevel};

use crate::audit::Actor;
use crate::orgs::{NewOrg, Org, insert_org};
use crate::people::{insert_person, person_by_id_number_tx};
use crate::roles::insert_admin;
use crate::{Store, StoreError};

#[derive(Debug)]
pub enum InitOutcome {
    Created {
        root: Org,
        provinces: usize,
    },
    /// The root exists already: nothing was changed.
    AlreadyInitialised {
        root: Org,
    },
}

pub struct FirstAdmin<'a> {
    pub id_number: &'a IdNumber,
    pub name: &'a str,
    /// Argon2 hash of the chosen password.
    pub password_hash: &'a str,
}

impl Store {
    /// Creates the tree's top and the first central admin in one transaction.
    pub async fn init(&self, admin: FirstAdmin<'_>) -> Result<InitOutcome, StoreError> {
        let mut tx = self.begin().await?;
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM orgs WHERE parent_id IS NULL LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(id) = existing {
            tx.rollback().await?;
            return Ok(InitOutcome::AlreadyInitialised {
                root: self.org(id).await?,
            });
        }
        let actor = Actor {
            person_id: None,
            role: Some("init".into()),
            client_addr: None,
        };
        let root = insert_org(
            &mut tx,
            &actor,
            None,
            &NewOrg {
                class: OrgClass {
                    level: OrgLevel::Central,
                    kind: OrgKind::Committee,
                },
                short_name: CENTRAL_SHORT_NAME,
                full_name: CENTRAL_FULL_NAME,
                xinjiang: false,
            },
        )
        .await?;
        for p in PROVINCIAL_COMMITTEES {
            insert_org(
                &mut tx,
                &actor,
                Some(&root),
                &NewOrg {
                    class: OrgClass {
                        level: OrgLevel::Provincial,
                        kind: p.kind,
                    },
                    short_name: p.short_name,
                    full_name: p.full_name,
                    xinjiang: p.xinjiang,
                },
            )
            .await?;
        }
        let person = match person_by_id_number_tx(&mut tx, admin.id_number).await? {
            Some(p) => p,
            None => {
                insert_person(
                    &mut tx,
                    &actor,
                    admin.id_number,
                    admin.name,
                    None,
                    Some(admin.password_hash),
                )
                .await?
            }
        };
        insert_admin(&mut tx, &actor, root.id, person.id).await?;
        tx.commit().await?;
        Ok(InitOutcome::Created {
            root,
            provinces: PROVINCIAL_COMMITTEES.len(),
        })
    }
}
