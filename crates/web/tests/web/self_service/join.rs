//! 我要入团: its four stages in order only, the last stage's entry-rule faults, applicants 13 to 27.

use super::*;

both_databases!(
    join_moves_through_its_stages_in_order,
    join_last_stage_lists_every_entry_fault,
    join_applicants_are_13_to_27,
);

async fn join_moves_through_its_stages_in_order(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let id = id_aged(15, 30);
    let (me, a) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id, "郑入团"),
    )
    .await;
    assert_eq!(a["stage"], "applied");
    assert_eq!(a["status_label"], "待审核（申请入团）");
    let path = format!("/api/v1/applications/{}", a["id"]);
    let person_id = a["person_id"].as_i64().unwrap();

    // Skipping a stage, or approving as if it were a registration, is refused.
    let (s, body) = admin
        .post(&format!("{path}/advance"), json!({ "to": "candidate" }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "stage_out_of_order");
    let (s, body) = admin.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "use_stages");

    let (s, body) = admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "activist");
    assert_eq!(body["next_stage"], "candidate");
    // The same step twice (a second click) is out of order.
    let (s, _) = admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The applicant sees the stage.
    let (_, seen) = me.get(&path).await;
    assert_eq!(seen["stage_label"], "入团积极分子");
    assert_eq!(seen["may_decide"], false);

    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "candidate", "comment": "表现良好" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "candidate");

    let year = today().year();
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{year}44000030") }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "member");
    assert_eq!(body["status"], "approved");
    assert!(is_member(&app, person_id, &w.branch).await);
    let events: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "activist", "candidate", "member"]);
    assert_eq!(app.audit_count("application.advance").await, 2);
    assert_eq!(app.audit_count("application.approve").await, 1);
    // Stored as a league member with the number and month given.
    let (status, dev, month): (String, String, String) = sqlx::query_as(
        "SELECT m.status, m.dev_number, m.join_month FROM members m WHERE m.person_id = $1",
    )
    .bind(person_id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), dev, month),
        ("normal", format!("{year}44000030"), this_month())
    );
    let political: String = sqlx::query_scalar("SELECT political_status FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(political, "03", "共青团员");
    // Nothing follows the last stage.
    let (s, _) = admin.post(&format!("{path}/advance"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn join_last_stage_lists_every_entry_fault(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    // 13 and a bit today: joining two years ago would have been at 11.
    let (_, a) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(13, 40), "冯年少"),
    )
    .await;
    let path = format!("/api/v1/applications/{}", a["id"]);
    for to in ["activist", "candidate"] {
        let (s, body) = admin
            .post(&format!("{path}/advance"), json!({ "to": to }))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    let year = today().year();
    let early = format!("{}-{:02}", year - 2, today().month());
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": early, "dev_number": "20A1" }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let got = codes(&body);
    assert!(got.contains(&"join_age_too_young".to_string()), "{got:?}");
    assert!(got.iter().any(|c| c.starts_with("dev_number_")), "{got:?}");
    // Missing month and number: both named.
    let (_, body) = admin
        .post(&format!("{path}/advance"), json!({ "to": "member" }))
        .await;
    let got = codes(&body);
    assert!(
        got.iter()
            .any(|c| c == "required_missing" || c == "join_date_invalid"),
        "{got:?}"
    );
    // A number someone else holds.
    let other = id_aged(20, 41);
    let holder = app.add_person(&other, "褚已有", None).await;
    app.make_member(&w.branch, &holder).await;
    sqlx::query("UPDATE members SET dev_number = $1, join_month = $2 WHERE person_id = $3")
        .bind(format!("{year}44000041"))
        .bind(this_month())
        .bind(holder.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{year}44000041") }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(codes(&body), ["dev_number_taken"]);
    // A year that is not the join year.
    let (_, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{}44000042", year - 1) }),
        )
        .await;
    assert_eq!(codes(&body), ["dev_number_year_mismatch"]);
    // None of these changed the application or entered anyone.
    let (_, still) = admin.get(&path).await;
    assert_eq!(
        (still["status"].as_str(), still["stage"].as_str()),
        (Some("pending"), Some("candidate"))
    );
    assert_eq!(app.audit_count("member.create").await, 0);
    // Fixed: it goes through.
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{year}44000043") }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

async fn join_applicants_are_13_to_27(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let (s, body) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(12, 50), "小十二"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(codes(&body), ["applicant_too_young"]);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("13周岁")
    );
    let (_, body) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(28, 51), "大二八"),
    )
    .await;
    assert_eq!(codes(&body), ["applicant_too_old"]);
    let (s, _) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(27, 52), "二十七"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
}
