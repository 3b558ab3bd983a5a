//! The cadre list pages by key (issue 14, `store/src/cadre_pages.rs`): 下一页 and 上一页
//! continue after and before a post, giving exactly the numbered pages' rows, with and without
//! filters; the unfiltered total is the counters', a filtered one is counted up to a cap and
//! then said as 超过; a key whose post is gone or bad input is said in Chinese.

use serde_json::{Value, json};
use tuanjian_store::cadres::{CadreFilter, CadreQuery};

use crate::support::TestApp;
use crate::support::admin::{get_html, page_as};
use crate::support::members::{World, member_json};
use crate::support::paging::walk_both_ways;

both_databases!(
    cadre_keys_walk_the_whole_list_both_ways,
    cadre_totals_and_key_faults
);

fn ids(body: &Value) -> Vec<i64> {
    crate::support::paging::ids(body, "post_id")
}

/// Thirteen posts over a branch, a committee and a branch of the sibling county.
async fn posts(t: &World) {
    for n in 1..=13u32 {
        let name = format!("{}干{n}", if n % 2 == 0 { "王" } else { "李" });
        let mut c = member_json(n, &name);
        c["cadre_nature"] = json!("兼职");
        let (api, org, post) = match n % 3 {
            0 => (&t.branch, &t.w.branch, "组织委员"),
            1 => (&t.school, &t.w.school, "委员"),
            _ => (&t.sibling, &t.sibling_branch, "宣传委员"),
        };
        c["post"] = json!(post);
        let (status, body) = api
            .post(&format!("/api/v1/orgs/{}/cadres", org.id), c)
            .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    }
}

async fn cadre_keys_walk_the_whole_list_both_ways(app: TestApp) {
    let t = World::new(&app).await;
    posts(&t).await;
    let base = format!("/api/v1/orgs/{}/cadres", t.w.city.id);
    for q in ["", "name=%E7%8E%8B", "post=%E5%A7%94%E5%91%98"] {
        walk_both_ways(&t.city, &base, q, "post_id").await;
    }

    // The page's links carry the keys.
    let county = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let (_, html) = get_html(
        &app,
        &county,
        &format!("/orgs/{}/cadres?per_page=2", t.w.county.id),
    )
    .await;
    assert!(html.contains("after="), "下一页 by key");
    assert!(!html.contains("before="), "no 上一页 on the first page");
}

async fn cadre_totals_and_key_faults(app: TestApp) {
    let t = World::new(&app).await;
    posts(&t).await;
    let city = app.store.org(t.w.city.id).await.unwrap();
    let scope = app
        .store
        .admin_scope(t.province_admin.id, t.w.province.id)
        .await
        .unwrap()
        .unwrap();
    // Unfiltered: the counters; filtered: counted, up to a cap.
    let everything = CadreFilter::default();
    let q = CadreQuery::within(&scope, &city, &everything).unwrap();
    assert_eq!(app.store.cadre_total(&q).await.unwrap(), (13, false));
    assert_eq!(app.store.count_cadres(&q).await.unwrap(), 13);
    let wang = CadreFilter {
        name: Some("王".into()),
        ..CadreFilter::default()
    };
    let q = CadreQuery::within(&scope, &city, &wang).unwrap();
    assert_eq!(app.store.cadre_total(&q).await.unwrap(), (6, false));
    let q = CadreQuery::within(&scope, &city, &wang)
        .unwrap()
        .with_count_cap(4);
    assert_eq!(
        app.store.cadre_total(&q).await.unwrap(),
        (4, true),
        "超过 4"
    );

    let base = format!("/api/v1/orgs/{}/cadres", t.w.city.id);
    let (_, body) = t.city.get(&base).await;
    assert_eq!(body["total"], 13, "{body}");
    assert_eq!(body["total_is_lower_bound"], false, "{body}");
    let (status, body) = t.city.get(&format!("{base}?before=x")).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("翻页位置") && message.contains("整数"),
        "{message}"
    );
    let (status, body) = t.city.get(&format!("{base}?after=1&before=2")).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("只能给一个"),
        "{body}"
    );
    let (status, body) = t
        .city
        .get(&format!("{base}?after=987654321&page=3&per_page=2"))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(body["page"], 1, "{body}");
    assert_eq!(ids(&body).len(), 2);
    assert!(
        body["notices"][0]
            .as_str()
            .unwrap()
            .contains("已不在此列表"),
        "{body}"
    );
}
