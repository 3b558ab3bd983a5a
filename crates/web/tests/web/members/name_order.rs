//! Names listed as people reading Chinese expect them (issue 13): members sorted 按姓名 in
//! pinyin order (keys stored with each person, copied to the memberships), across pages.

use crate::support::members::*;

both_databases!(members_by_name_in_pinyin_order);

async fn members_by_name_in_pinyin_order(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    // In code point order: 张 < 李 < 王 < 赵 < 阿; in pinyin: a < li < wang < zhang < zhao.
    let names = ["张三", "李四", "王五", "赵六", "阿明", "张飞"];
    for (i, n) in names.iter().enumerate() {
        add(&t.branch, &t.w.branch, member_json(i as u32 + 1, n)).await;
    }
    let base = format!(
        "/api/v1/orgs/{}/members?sort=name&per_page=4",
        t.w.school.id
    );
    let mut listed = Vec::new();
    for page in 1..=2 {
        let (status, b) = t.school.get(&format!("{base}&page={page}")).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{b}");
        listed.extend(
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(listed, ["阿明", "李四", "王五", "张飞", "张三", "赵六"]);
}
