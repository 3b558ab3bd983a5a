//! Migration requests on both databases: a request decided after its organisation's parent
//! changed by another way (a writer that moved it without returning its open requests) is
//! refused with `move_stale`, and nothing moves.

use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::StoreError;
use tuanjian_store::audit::Actor;
use tuanjian_store::org_moves::{Stage, apply_for_move, approve_move};

use crate::support::TestStore;

both_databases!(a_request_whose_parent_changed_is_stale);

async fn a_request_whose_parent_changed_is_stale(app: TestStore) {
    let w = app.guangzhou().await;
    let province = app.province("团广东省委").await;
    let shenzhen = app
        .add_org(
            &province,
            OrgLevel::Municipal,
            OrgKind::Committee,
            "团深圳市委",
            "共青团深圳市委员会",
        )
        .await;
    let actor = Actor::default();
    let id = IdNumber::from_first17("44010619800101088").to_string();
    let admin = app.add_person(&id, "区管理员", None).await.id;

    // 团越秀区委 asks to go from 团广州市委 to 团深圳市委.
    let mut tx = app.store.begin().await.unwrap();
    let move_id = apply_for_move(&mut tx, &actor, admin, w.sibling.id, shenzhen.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Meanwhile it comes to stand directly under the province, written past the store's
    // moves (which return a moving organisation's open requests in their transaction).
    sqlx::query("UPDATE orgs SET parent_id = $1 WHERE id = $2")
        .bind(province.id)
        .bind(w.sibling.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store.forget_cached();

    let mut tx = app.store.begin().await.unwrap();
    let err = approve_move(&mut tx, &actor, admin, move_id, Stage::OldParent, None)
        .await
        .unwrap_err();
    drop(tx);
    match err {
        StoreError::Conflict { code, message } => {
            assert_eq!(code.as_str(), "move_stale");
            assert!(message.contains("请退回"), "{message}");
        }
        other => panic!("expected move_stale, got {other:?}"),
    }
    let request = app.store.org_move(move_id).await.unwrap();
    assert_eq!(
        request.status.code(),
        "pending_old",
        "the request still waits"
    );
}
