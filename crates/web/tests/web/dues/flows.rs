//! What is due at each band edge, under the national defaults and a province's own bands; a
//! payment corrected with its reason; a month recorded unpaid and paid later.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::admin::api_as;
use crate::support::members::World;

both_databases!(
    dues_follow_the_bands_at_each_edge,
    a_payment_is_corrected_with_its_reason,
    an_unpaid_month_is_paid_later,
);

async fn declare(t: &World, b: i64, person_id: i64, income: &str) {
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/orgs/{b}/dues/incomes/{person_id}"),
            json!({ "income": income }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn dues_follow_the_bands_at_each_edge(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let mut people = Vec::new();
    for (n, income) in [(1, "1999.99"), (2, "2000"), (3, "10,000"), (4, "10001")] {
        let p = member_born(&app, &t.w.branch, n, born(25, 0), &format!("收入{n}")).await;
        declare(&t, b, p.id, income).await;
        people.push(p);
    }
    let student = member_born(&app, &t.w.branch, 5, born(16, 0), "学生").await;
    set_occupation(&app, &student, "01").await;
    let farmer = member_born(&app, &t.w.branch, 6, born(26, 0), "农民").await;
    set_occupation(&app, &farmer, "06").await;
    // A student's income does not matter.
    declare(&t, b, student.id, "9000").await;

    let (status, body) = t.branch.get(&format!("/api/v1/orgs/{b}/dues")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["bands"]["customised"], false);
    let due = |body: &serde_json::Value, id| row_of(body, id)["due_now"].clone();
    let want = ["3.00", "4.00", "20.00", "20.00"];
    for (p, w) in people.iter().zip(want) {
        assert_eq!(due(&body, p.id), w, "{}", p.name);
    }
    assert_eq!(due(&body, student.id), "0.20");
    assert_eq!(due(&body, farmer.id), "0.50");

    // The month recorded: each pays what is due.
    let month = current_month();
    let all: Vec<_> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            paid(
                m["person_id"].as_i64().unwrap(),
                m["due_now"].as_str().unwrap(),
            )
        })
        .collect();
    let (status, rec) = t.branch.post(&payments_at(b, month), payments(all)).await;
    assert_eq!(status, StatusCode::OK, "{rec}");
    assert_eq!(
        (rec["paid"].as_i64(), rec["unpaid"].as_i64()),
        (Some(6), Some(0))
    );
    assert_eq!(app.audit_count("dues.record").await, 1);

    // The province sets its own bands: later months follow them, the recorded one keeps its.
    let bands = json!({ "threshold": "3000", "below_threshold": "2", "rate_permille": "3",
        "cap": "30", "student": "0.5", "farmer": "1" });
    let (status, body) = t
        .province
        .send(
            Method::PUT,
            &format!("/api/v1/orgs/{}/dues/bands", t.w.province.id),
            bands,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["customised"].as_bool(), body["cap"].as_str()),
        (Some(true), Some("30.00"))
    );
    assert_eq!(app.audit_count("dues.bands").await, 1);
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/dues?month={}", month_back(1)))
        .await;
    let want = ["2.00", "2.00", "30.00", "30.00"];
    for (p, w) in people.iter().zip(want) {
        assert_eq!(due(&body, p.id), w, "{}", p.name);
    }
    assert_eq!(due(&body, student.id), "0.50");
    assert_eq!(due(&body, farmer.id), "1.00");
    assert_eq!(body["bands"]["customised"], true);
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/dues?month={month}"))
        .await;
    assert_eq!(
        row_of(&body, people[1].id)["due"],
        "4.00",
        "recorded months keep their due"
    );
    assert_eq!(row_of(&body, people[1].id)["paid"], "4.00");

    // Another province keeps the national defaults.
    let (_, body) = t
        .other
        .get(&format!("/api/v1/orgs/{}/dues", t.other_branch.id))
        .await;
    assert_eq!(body["bands"]["customised"], false, "{body}");
}

async fn a_payment_is_corrected_with_its_reason(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let month = month_back(2);
    let (status, body) = t
        .branch
        .post(&payments_at(b, month), payments(vec![paid(a.id, "3")]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Recording another amount is no way to change it.
    let (status, body) = t
        .branch
        .post(&payments_at(b, month), payments(vec![paid(a.id, "30")]))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "dues_already_paid")
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("更正"),
        "{body}"
    );
    // The same amount again changes nothing and is no error.
    let (status, body) = t
        .branch
        .post(&payments_at(b, month), payments(vec![paid(a.id, "3.00")]))
        .await;
    assert_eq!(
        (status, body["unchanged"].as_i64()),
        (StatusCode::OK, Some(1))
    );

    let fix = format!("/api/v1/orgs/{b}/dues/{month}/corrections");
    let (status, body) = t
        .branch
        .post(
            &fix,
            json!({ "person_id": a.id, "paid": "0.3", "reason": " " }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "dues_reason_required")
    );
    let (status, body) = t
        .branch
        .post(
            &fix,
            json!({ "person_id": a.id, "paid": "0.30", "reason": "误将0.30元记为3元" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["old_paid"].as_str(), body["new_paid"].as_str()),
        (Some("3.00"), Some("0.30"))
    );
    assert_eq!(app.audit_count("dues.correct").await, 1);
    // The same amount again: nothing to correct.
    let (status, body) = t
        .branch
        .post(
            &fix,
            json!({ "person_id": a.id, "paid": "0.30", "reason": "再次" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "dues_not_recorded")
    );

    // The member sees the record and its correction; the month is no longer paid in full.
    let me = api_as(&app, a.id_number.as_str(), "member", b).await;
    let (status, body) = me.get("/api/v1/me/dues").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let m = &body["months"][0];
    assert_eq!(
        (m["month"].as_str(), m["paid"].as_str()),
        (Some(month.to_string().as_str()), Some("0.30"))
    );
    assert_eq!(m["corrections"][0]["reason"], "误将0.30元记为3元");
    assert_eq!(m["corrections"][0]["old_paid"], "3.00");
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/dues?month={month}"))
        .await;
    assert_eq!(row_of(&body, a.id)["paid"], "0.30");
    // The superior's totals follow the correction.
    let (_, body) = t
        .school
        .get(&format!(
            "/api/v1/orgs/{}/dues/totals?year={}",
            t.w.school.id, month.year
        ))
        .await;
    let sums = &body["months"][(month.month - 1) as usize]["sums"];
    assert_eq!(
        (sums["paid"].as_str(), sums["unpaid_members"].as_i64()),
        (Some("0.30"), Some(1)),
        "{body}"
    );
}

async fn an_unpaid_month_is_paid_later(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let c = member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    let month = current_month();
    let (status, body) = t
        .branch
        .post(
            &payments_at(b, month),
            payments(vec![paid(a.id, "3"), paid(c.id, "")]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["paid"].as_i64(), body["unpaid"].as_i64()),
        (Some(1), Some(1))
    );
    let (_, body) = t.branch.get(&format!("/api/v1/orgs/{b}/dues")).await;
    assert_eq!(row_of(&body, c.id)["paid"], "0.00");
    // Paying later is a payment, not a correction.
    let (status, body) = t
        .branch
        .post(&payments_at(b, month), payments(vec![paid(c.id, "3")]))
        .await;
    assert_eq!(
        (status, body["written"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{body}"
    );
    let (_, body) = t.branch.get(&format!("/api/v1/orgs/{b}/dues")).await;
    assert_eq!(row_of(&body, c.id)["paid"], "3.00");
    assert_eq!(app.audit_count("dues.correct").await, 0);
}
