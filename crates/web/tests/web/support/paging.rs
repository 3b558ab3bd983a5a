//! Walking a list by its keys (issue 14): the member and cadre lists' 下一页 and 上一页 continue
//! after and before a row (`next_after`, `prev_before`); walked both ways, the pages must equal
//! the numbered pages and together the whole list.

use serde_json::Value;

use super::ApiClient;

/// The ids (`id_field` of each item) of a list body.
pub fn ids(body: &Value, id_field: &str) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[id_field].as_i64().unwrap())
        .collect()
}

/// Walks `base?q` in pages of 3, forward by `after` (each page equal to the numbered page) and
/// back from the last page by `before`; both walks must give `all`, the list in one page.
pub async fn walk_both_ways(api: &ApiClient, base: &str, q: &str, id_field: &str) {
    let (_, all) = api.get(&format!("{base}?{q}&per_page=100")).await;
    let all = ids(&all, id_field);
    assert!(all.len() >= 4, "{q}: {all:?}");

    let mut walked = Vec::new();
    let (_, mut body) = api.get(&format!("{base}?{q}&per_page=3")).await;
    assert_eq!(body["prev_before"], Value::Null, "{q}: the first page");
    let mut page = 1;
    loop {
        let (_, numbered) = api.get(&format!("{base}?{q}&per_page=3&page={page}")).await;
        assert_eq!(
            ids(&body, id_field),
            ids(&numbered, id_field),
            "{q}: page {page} by key and by number"
        );
        walked.extend(ids(&body, id_field));
        let Some(after) = body["next_after"].as_i64() else {
            break;
        };
        page += 1;
        body = api
            .get(&format!("{base}?{q}&per_page=3&after={after}&page={page}"))
            .await
            .1;
        assert_eq!(body["page"], page, "{q}");
    }
    assert_eq!(walked, all, "{q}: forward by key");

    let (_, mut body) = api.get(&format!("{base}?{q}&per_page=3&page={page}")).await;
    assert_eq!(body["next_after"], Value::Null, "{q}: the last page");
    let mut back = Vec::new();
    loop {
        let mut these = ids(&body, id_field);
        these.extend(back);
        back = these;
        let Some(before) = body["prev_before"].as_i64() else {
            break;
        };
        page -= 1;
        body = api
            .get(&format!(
                "{base}?{q}&per_page=3&before={before}&page={page}"
            ))
            .await
            .1;
    }
    assert_eq!(back, all, "{q}: backward by key");
}
