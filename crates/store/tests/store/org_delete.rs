//! Deleting an organisation on both databases: a row referring to it that none of the
//! deletion's checks looks at (what a concurrent writer adds between the checks and the delete)
//! refuses the deletion with `org_referenced` instead of failing on the foreign key.

use tuanjian_domain::IdNumber;
use tuanjian_store::StoreError;
use tuanjian_store::audit::Actor;
use tuanjian_store::org_delete::delete_org;

use crate::support::TestStore;

both_databases!(a_reference_no_check_covers_refuses);

async fn a_reference_no_check_covers_refuses(app: TestStore) {
    let w = app.guangzhou().await;
    let id = IdNumber::from_first17("44010619800101099").to_string();
    let person = app.add_person(&id, "张三", None).await;
    // `corrections.approver_org_id` names only provinces, so deletion checks nothing about it;
    // a row naming the county breaks that promise the way a concurrent writer would.
    sqlx::query(
        "INSERT INTO corrections (person_id, org_id, approver_org_id, requested_by, \
         requested_at, before_json, changes_json, reason, status) \
         VALUES ($1, $2, $3, $1, 0, '{}', '{}', '改名', 'pending')",
    )
    .bind(person.id)
    .bind(w.branch.id)
    .bind(w.sibling.id)
    .execute(app.store.pool())
    .await
    .unwrap();
    assert!(
        app.store
            .delete_blockers(w.sibling.id)
            .await
            .unwrap()
            .is_clear(),
        "the usual checks see nothing in the way"
    );

    let mut tx = app.store.begin().await.unwrap();
    let err = delete_org(&mut tx, &Actor::default(), w.sibling.id)
        .await
        .unwrap_err();
    drop(tx);
    match err {
        StoreError::Conflict { code, message } => {
            assert_eq!(code.as_str(), "org_referenced");
            assert!(message.contains("请刷新页面查看后再试"), "{message}");
        }
        other => panic!("expected org_referenced, got {other:?}"),
    }
    // Nothing changed: the organisation is still there.
    let still: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orgs WHERE id = $1")
        .bind(w.sibling.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(still, 1);
}
