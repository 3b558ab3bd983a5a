//! 团费 in the store on both databases: the arrears count stops at its cap and says so.

use tuanjian_domain::IdNumber;
use tuanjian_domain::dues::{Fen, Month};
use tuanjian_store::audit::Actor;
use tuanjian_store::dues::record::{PaymentEntry, record_month_tx};
use tuanjian_store::scope::Subtree;

use crate::support::{PASSWORD_HASH, TestStore};

both_databases!(the_arrears_count_stops_at_its_cap);

async fn the_arrears_count_stops_at_its_cap(app: TestStore) {
    let w = app.guangzhou().await;
    let admin = app
        .add_person(
            IdNumber::from_first17("44010619800101002").as_str(),
            "区管理员",
            Some(PASSWORD_HASH),
        )
        .await;
    app.make_admin(&w.county, &admin).await;
    let mut entries = Vec::new();
    for n in 0..3 {
        let p = app
            .add_person(
                IdNumber::from_first17(&format!("44010620000101{n:03}")).as_str(),
                &format!("团员{n}"),
                Some(PASSWORD_HASH),
            )
            .await;
        app.make_member(&w.branch, &p).await;
        entries.push(PaymentEntry {
            person_id: p.id,
            paid: Some(Fen(300)),
        });
    }
    // Paid a year ago and never since: every one a candidate.
    let as_of = Month::new(2026, 11).unwrap();
    let paid = Month::new(2025, 11).unwrap();
    let actor = Actor {
        person_id: Some(admin.id),
        ..Default::default()
    };
    let mut tx = app.store.begin().await.unwrap();
    record_month_tx(&mut tx, &actor, &w.branch, paid, &entries, "dues.record")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let scope = app
        .store
        .admin_scope(admin.id, w.county.id)
        .await
        .unwrap()
        .unwrap();
    let q = Subtree::within(&scope, &w.county).unwrap();
    let all = app.store.dues_arrears(&q, as_of, 500, 3).await.unwrap();
    assert_eq!((all.total, all.total_is_lower_bound), (3, false));
    assert_eq!(all.rows.len(), 3);
    assert!(all.rows.iter().all(|r| r.months_behind == 12));
    let capped = app.store.dues_arrears(&q, as_of, 1, 2).await.unwrap();
    assert_eq!((capped.total, capped.total_is_lower_bound), (2, true));
    assert_eq!(capped.rows.len(), 1);
    // Outside the county's scope there is no subtree to ask for.
    assert!(Subtree::within(&scope, &w.province).is_none());
}
