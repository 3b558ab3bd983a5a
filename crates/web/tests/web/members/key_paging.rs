//! The member list pages by key (issue 14): 下一页 and 上一页 continue after the last and before
//! the first member of a page (`next_after`, `prev_before`), in every order and with a name
//! search, giving exactly the rows of the numbered pages; a key whose member is gone or bad
//! input is said in Chinese.

use serde_json::Value;

use crate::support::TestApp;
use crate::support::admin::{get_html, page_as};
use crate::support::members::{World, add, member_json};
use crate::support::paging::walk_both_ways;

both_databases!(keys_walk_the_whole_list_both_ways, key_faults_are_explained);

fn ids(body: &Value) -> Vec<i64> {
    crate::support::paging::ids(body, "person_id")
}

async fn keys_walk_the_whole_list_both_ways(app: TestApp) {
    let t = World::new(&app).await;
    let names = [
        "王一",
        "李二",
        "张三",
        "王四",
        "赵五",
        "钱六",
        "孙七",
        "王八",
        "周九",
        "吴十",
        "郑王",
        "冯芳",
        "陈王芳",
    ];
    for (n, name) in names.iter().enumerate() {
        let branch = if n % 3 == 0 {
            &t.sibling_branch
        } else {
            &t.w.branch
        };
        let api = if n % 3 == 0 { &t.sibling } else { &t.branch };
        add(api, branch, member_json(n as u32 + 1, name)).await;
    }
    let base = format!("/api/v1/orgs/{}/members", t.w.city.id);
    for filters in ["", "&name=%E7%8E%8B"] {
        for sort in ["org", "name", "join_asc", "join_desc"] {
            let q = format!("sort={sort}{filters}");
            walk_both_ways(&t.city, &base, &q, "person_id").await;
        }
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
        &format!("/orgs/{}/members?per_page=3", t.w.county.id),
    )
    .await;
    assert!(html.contains("after="), "下一页 by key");
    assert!(!html.contains("before="), "no 上一页 on the first page");
}

async fn key_faults_are_explained(app: TestApp) {
    let t = World::new(&app).await;
    for n in 1..=5 {
        add(&t.branch, &t.w.branch, member_json(n, &format!("赵{n}号"))).await;
    }
    let base = format!("/api/v1/orgs/{}/members", t.w.branch.id);
    let (status, body) = t.branch.get(&format!("{base}?after=abc")).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("翻页位置") && message.contains("整数"),
        "{message}"
    );
    let (status, body) = t.branch.get(&format!("{base}?after=1&before=2")).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("只能给一个"),
        "{body}"
    );
    // A member that does not exist: the first page, with a notice.
    let (status, body) = t
        .branch
        .get(&format!("{base}?after=987654321&page=4&per_page=2"))
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
