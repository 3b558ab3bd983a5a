//! The 自行脱团 candidates by dues, counted across a year boundary and at exactly six months,
//! following a member who moves; a year's totals by month and by direct child, exported.

use reqwest::StatusCode;

use super::*;
use crate::support::TestApp;
use crate::support::members::World;

both_databases!(
    arrears_are_counted_across_the_year_boundary,
    totals_sum_a_subtree_by_month_and_child,
);

async fn pay(t: &World, b: i64, month: Month, list: Vec<Value>) {
    let (status, body) = t.branch.post(&payments_at(b, month), payments(list)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

fn listed(body: &Value) -> Vec<(i64, u32)> {
    body["members"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|m| {
            (
                m["person_id"].as_i64().unwrap(),
                m["months_behind"].as_u64().unwrap() as u32,
            )
        })
        .collect()
}

async fn arrears_are_counted_across_the_year_boundary(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let six = member_born(&app, &t.w.branch, 1, born(20, 0), "六个月").await;
    let five = member_born(&app, &t.w.branch, 2, born(20, 0), "五个月").await;
    let span = member_born(&app, &t.w.branch, 3, born(20, 0), "跨年").await;
    let never = member_born(&app, &t.w.branch, 4, born(20, 0), "从未交").await;
    // Paid exactly six complete months ago: six months behind, a candidate.
    pay(&t, b, as_of_back(6), vec![paid(six.id, "3")]).await;
    // Five: not yet.
    pay(&t, b, as_of_back(5), vec![paid(five.id, "3")]).await;
    // Paid in November of last year, December and January recorded unpaid: the run crosses
    // the year boundary and counts every month through the last complete one.
    let last_year = as_of().year - 1;
    let nov = Month::new(last_year, 11).unwrap();
    pay(&t, b, nov, vec![paid(span.id, "3")]).await;
    pay(
        &t,
        b,
        Month::new(last_year, 12).unwrap(),
        vec![paid(span.id, "")],
    )
    .await;
    let jan = Month::new(last_year + 1, 1).unwrap();
    if jan <= current_month() {
        pay(&t, b, jan, vec![paid(span.id, "")]).await;
    }
    // Recorded unpaid six complete months ago and never since: six months.
    pay(&t, b, as_of_back(5), vec![paid(never.id, "")]).await;

    let span_behind = (as_of().index() - nov.index()) as u32;
    let (status, body) = t
        .school
        .get(&format!("/api/v1/orgs/{}/dues/arrears", t.w.school.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut want = vec![(six.id, 6), (span.id, span_behind), (never.id, 6)];
    want.retain(|(_, n)| *n >= 6);
    let mut got = listed(&body);
    got.sort();
    want.sort();
    assert_eq!(got, want, "{body}");
    assert_eq!(body["total"].as_i64(), Some(want.len() as i64));
    assert_eq!(body["as_of"], as_of().to_string());
    let row = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person_id"] == six.id)
        .unwrap();
    assert_eq!(row["unpaid_from"], as_of_back(5).label());
    // Each member's own count is the same.
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/members/{}/dues", span.id))
        .await;
    assert_eq!(
        body["months_behind"].as_u64(),
        Some(u64::from(span_behind)),
        "{body}"
    );
    let (_, body) = t.branch.get(&format!("/api/v1/orgs/{b}/dues")).await;
    assert_eq!(row_of(&body, five.id)["months_behind"], 5);
    // The 团籍 page, where 自行脱团 is decided, says it too.
    let web =
        crate::support::admin::page_as(&app, t.branch_admin.id_number.as_str(), "admin", b).await;
    let (_, html) =
        crate::support::admin::get_html(&app, &web, &format!("/members/{}/membership", six.id))
            .await;
    assert!(html.contains("连续6个月未交纳"), "{html}");

    // A member who moves to another branch takes the standing along.
    sqlx::query("UPDATE members SET org_id = $1, org_path = $2 WHERE person_id = $3")
        .bind(t.sibling_branch.id)
        .bind(t.sibling_branch.path.as_str())
        .bind(six.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store.forget_cached();
    let (_, body) = t
        .school
        .get(&format!("/api/v1/orgs/{}/dues/arrears", t.w.school.id))
        .await;
    assert!(!listed(&body).iter().any(|(id, _)| *id == six.id), "{body}");
    let (_, body) = t
        .sibling
        .get(&format!("/api/v1/orgs/{}/dues/arrears", t.w.sibling.id))
        .await;
    assert_eq!(listed(&body), vec![(six.id, 6)], "{body}");
    // A member who has left is no candidate.
    sqlx::query("UPDATE members SET status = 'lapsed' WHERE person_id = $1")
        .bind(never.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store.forget_cached();
    let (_, body) = t
        .school
        .get(&format!("/api/v1/orgs/{}/dues/arrears", t.w.school.id))
        .await;
    assert!(
        !listed(&body).iter().any(|(id, _)| *id == never.id),
        "{body}"
    );
}

async fn totals_sum_a_subtree_by_month_and_child(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let c = member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    let month = current_month();
    pay(&t, b, month, vec![paid(a.id, "3"), paid(c.id, "")]).await;
    let (status, body) = t
        .county
        .get(&format!("/api/v1/orgs/{}/dues/totals", t.w.county.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["year"], month.year);
    let sums = &body["months"][(month.month - 1) as usize]["sums"];
    assert_eq!(
        (
            sums["members"].as_i64(),
            sums["due"].as_str(),
            sums["paid"].as_str(),
            sums["unpaid_members"].as_i64()
        ),
        (Some(2), Some("6.00"), Some("3.00"), Some(1)),
        "{body}"
    );
    assert_eq!(body["year_sums"]["paid"], "3.00");
    // By direct child: the school holds the branch.
    let kids = body["children"].as_array().unwrap();
    let school = kids.iter().find(|k| k["org_id"] == t.w.school.id).unwrap();
    assert_eq!(school["sums"]["due"], "6.00", "{body}");
    assert!(
        kids.iter()
            .all(|k| k["org_id"] == t.w.school.id || k["sums"]["members"] == 0)
    );
    // Another year has nothing.
    let (_, body) = t
        .county
        .get(&format!(
            "/api/v1/orgs/{}/dues/totals?year={}",
            t.w.county.id,
            month.year - 1
        ))
        .await;
    assert_eq!(body["year_sums"]["members"], 0, "{body}");
    // The export holds both tables and is audited as an export.
    let res = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/orgs/{}/dues/totals/export",
            t.w.county.id
        )))
        .bearer_auth(t.county.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    use calamine::{DataType, Reader};
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["按月".to_string(), "按下级组织".to_string()]
    );
    let range = book.worksheet_range("按月").unwrap();
    let row = 2 + (month.month - 1);
    assert_eq!(range.get_value((row, 3)).unwrap().get_float(), Some(3.0));
    assert_eq!(app.audit_count("dues.export").await, 1);
}

both_databases!(a_deleted_branch_leaves_its_dues_to_the_parent);

/// A branch deleted (its members moved on first) leaves the dues paid to it in its parent's
/// sums: the subtree's totals do not change.
async fn a_deleted_branch_leaves_its_dues_to_the_parent(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let month = current_month();
    pay(&t, b, month, vec![paid(a.id, "3")]).await;
    let totals = format!("/api/v1/orgs/{}/dues/totals", t.w.county.id);
    let (_, before) = t.county.get(&totals).await;
    sqlx::query("UPDATE members SET org_id = $1, org_path = $2 WHERE person_id = $3")
        .bind(t.sibling_branch.id)
        .bind(t.sibling_branch.path.as_str())
        .bind(a.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store.forget_cached();
    let (status, body) = t
        .school
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{b}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, after) = t.county.get(&totals).await;
    assert_eq!(after["year_sums"], before["year_sums"], "{after}");
    let (_, body) = t
        .sibling
        .get(&format!("/api/v1/members/{}/dues", a.id))
        .await;
    assert_eq!(body["months"][0]["org_id"], t.w.school.id, "{body}");
}

both_databases!(sums_and_arrears_follow_a_moved_organisation);

/// 团中央 moves the school (with the branch and its dues) under the sibling county: the sums
/// and the candidates go with it.
async fn sums_and_arrears_follow_a_moved_organisation(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    pay(&t, b, as_of_back(6), vec![paid(a.id, "3")]).await;
    let year = as_of_back(6).year;
    let totals = |org: i64| format!("/api/v1/orgs/{org}/dues/totals?year={year}");
    let arrears = |org: i64| format!("/api/v1/orgs/{org}/dues/arrears");
    let (_, body) = t.county.get(&totals(t.w.county.id)).await;
    assert_eq!(body["year_sums"]["paid"], "3.00", "{body}");
    let mut root = app.api();
    root.login(
        crate::support::ROOT_ADMIN_ID,
        crate::support::ROOT_ADMIN_PASSWORD,
    )
    .await;
    let (status, body) = root
        .post(
            &format!("/api/v1/orgs/{}/move", t.w.school.id),
            serde_json::json!({ "to_parent_id": t.w.sibling.id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = t.county.get(&totals(t.w.county.id)).await;
    assert_eq!(body["year_sums"]["members"], 0, "{body}");
    let (_, body) = t.county.get(&arrears(t.w.county.id)).await;
    assert_eq!(body["total"], 0, "{body}");
    let (_, body) = t.sibling.get(&totals(t.w.sibling.id)).await;
    assert_eq!(body["year_sums"]["paid"], "3.00", "{body}");
    let school = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["org_id"] == t.w.school.id)
        .cloned()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(school["sums"]["paid"], "3.00");
    let (_, body) = t.sibling.get(&arrears(t.w.sibling.id)).await;
    assert_eq!(listed(&body), vec![(a.id, 6)], "{body}");
}
