//! A graduating class: 500 members started in one 办理转出 and approved on the receiving side
//! a page at once.

use reqwest::StatusCode;
use serde_json::json;

use super::audit_count;
use crate::support::TestApp;
use crate::support::members::{World, youth};

both_databases!(five_hundred_in_one_go);

const CLASS: u32 = 500;

async fn five_hundred_in_one_go(app: TestApp) {
    let world = World::new(&app).await;
    let mut ids = Vec::new();
    let mut tx = app.store.begin().await.unwrap();
    for n in 0..CLASS {
        let person: i64 = sqlx::query_scalar(
            "INSERT INTO people (id_number, name, created_at) VALUES ($1, $2, 0) RETURNING id",
        )
        .bind(youth(n))
        .bind(format!("毕业生{n:03}"))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO members (person_id, org_id, org_path, status, created_at) VALUES ($1, $2, $3, 'normal', 0)",
        )
        .bind(person)
        .bind(world.w.branch.id)
        .bind(world.w.branch.path.as_str())
        .execute(&mut *tx)
        .await
        .unwrap();
        ids.push(person);
    }
    tx.commit().await.unwrap();
    app.store.forget_cached();

    let (status, res) = world
        .school
        .post(
            &format!("/api/v1/orgs/{}/transfers/out", world.w.branch.id),
            json!({"person_ids": ids, "reason": "升学", "detail": "高中毕业", "to_org_id": world.w.sibling.id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let started: Vec<i64> = res["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(started.len(), CLASS as usize);

    let (_, list) = world
        .sibling
        .get("/api/v1/transfers?side=in&state=pending&per_page=500")
        .await;
    assert_eq!(list["total"], CLASS, "{}", list["total"]);
    let items: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| json!({"id": t["id"], "branch_id": world.sibling_branch.id}))
        .collect();
    assert_eq!(items.len(), CLASS as usize);
    let (status, res) = world
        .sibling
        .post("/api/v1/transfers/approve-in", json!({ "items": items }))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res.as_array().unwrap().len(), CLASS as usize);

    let moved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE org_id = $1")
        .bind(world.sibling_branch.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(moved, CLASS as i64);
    assert_eq!(
        audit_count(&app, "member.transfer.complete").await,
        CLASS as i64
    );
    let (_, list) = world
        .sibling
        .get("/api/v1/transfers?side=in&state=pending")
        .await;
    assert_eq!(list["total"], 0);
}
