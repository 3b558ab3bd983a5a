//! The self-service forms made easier (issue 13), on both databases: 我要入团 keeps the typed
//! passwords on a fault, the branch is chosen province → school → branch by the form's own
//! buttons (no script) and by the API twin, and the branch admin's 待办 names the applicant.

use super::*;

both_databases!(
    join_keeps_passwords_and_picks_the_branch,
    picker_api,
    picker_lists_in_name_order,
    inbox_names_the_applicant,
);

/// The value attribute of the input named `name`.
fn value_of<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name}"));
    let tag_end = at + html[at..].find('>').unwrap();
    let tag = &html[at..tag_end];
    match tag.find("value=\"") {
        Some(v) => tag[v + 7..].split('"').next().unwrap(),
        None => "",
    }
}

async fn join_keeps_passwords_and_picks_the_branch(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let c = app.browser();
    let html = c
        .get(app.url("/join"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"pick-start\""), "{html}");
    assert!(html.contains("id=\"apply-cancel\""));
    let csrf = csrf_of(&html);
    let id = id_aged(15, 81);
    let province = w.province.id.to_string();
    let post = |extra: Vec<(&'static str, String)>| {
        let mut form: Vec<(&'static str, String)> = vec![
            ("csrf", csrf.clone()),
            ("province_id", province.clone()),
            ("id_number", id.clone()),
            ("name", "蒋选择".into()),
            ("password", APPLICANT_PASSWORD.into()),
            ("confirm", APPLICANT_PASSWORD.into()),
            ("ethnicity", "汉族".into()),
        ];
        for (k, v) in extra {
            form.retain(|(f, _)| *f != k);
            form.push((k, v));
        }
        c.post(app.url("/join")).form(&form).send()
    };

    // A fault elsewhere (the phone): both passwords stay as typed, the page is not stored.
    let res = post(vec![
        ("org_name", BRANCH_FULL.into()),
        ("phone", "123".into()),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert_eq!(value_of(&html, "password"), APPLICANT_PASSWORD, "{html}");
    assert_eq!(value_of(&html, "confirm"), APPLICANT_PASSWORD);
    assert_eq!(value_of(&html, "name"), "蒋选择");
    // A fault in the passwords: both are typed again.
    let res = post(vec![
        ("org_name", BRANCH_FULL.into()),
        ("confirm", "Different1x".into()),
    ])
    .await
    .unwrap();
    let html = res.text().await.unwrap();
    assert_eq!(value_of(&html, "password"), "", "{html}");
    assert_eq!(value_of(&html, "confirm"), "");

    // The picker: the province's organisations, then down to the school and its branch; what
    // was typed (passwords too) stays at every step and nothing is submitted.
    let step = |pick: String| post(vec![("pick", pick)]);
    let html = step("province".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"picker-list\""), "{html}");
    assert!(
        html.contains(&format!("id=\"pick-{}\"", w.city.id)),
        "{html}"
    );
    assert_eq!(value_of(&html, "password"), APPLICANT_PASSWORD);
    for org in [&w.city, &w.county] {
        let html = step(org.id.to_string())
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(&format!("“{}”", org.full_name)), "{html}");
    }
    let res = step(w.school.id.to_string()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "id=\"pick-{}\" data-pickable=\"true\"",
            w.branch.id
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"pick\" value=\"{}\"", w.county.id)),
        "上一级"
    );
    let html = step(w.branch.id.to_string())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"picker-chosen\""), "{html}");
    assert_eq!(value_of(&html, "org_name"), BRANCH_FULL);
    let html = step("999999".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"picker-message\""), "{html}");
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id_number = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(people, 0, "no step submits the application");

    // Submitted with the branch the picker filled in.
    let res = post(vec![
        ("org_name", BRANCH_FULL.into()),
        ("phone", "13700137000".into()),
    ])
    .await
    .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
}

async fn picker_api(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let api = app.api();
    let (status, body) = api
        .get(&format!("/api/v1/orgs/{}/join-choices", w.province.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["up"].is_null(), "the province is the top: {body}");
    let city = body["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == w.city.id)
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(city["pickable"], false);
    let (_, body) = api
        .get(&format!(
            "/api/v1/orgs/{}/join-choices?kind=join",
            w.school.id
        ))
        .await;
    assert_eq!(body["up"], w.county.id, "{body}");
    let choices = body["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 1, "{body}");
    assert_eq!(
        (choices[0]["id"].as_i64(), choices[0]["pickable"].as_bool()),
        (Some(w.branch.id), Some(true))
    );
    assert_eq!(choices[0]["full_name"], BRANCH_FULL);
    // Above the provinces there is nothing to pick from; a kind that does not exist.
    let root = app.store.root_org().await.unwrap().unwrap();
    let (status, body) = api
        .get(&format!("/api/v1/orgs/{}/join-choices", root.id))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, body) = api
        .get(&format!(
            "/api/v1/orgs/{}/join-choices?kind=nope",
            w.school.id
        ))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("query_invalid"))
    );
}

/// The picker lists a level by name (`orgs.sort_key`: numbers by value), not in the order the
/// organisations were made: 高一（10）班 comes after 高一（2）班 on the page and in the API.
async fn picker_lists_in_name_order(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let mut made = Vec::new();
    for n in [10, 2] {
        let full = format!("共青团广州市天河区第一中学高一（{n}）班支部");
        let short = format!("高一（{n}）班团支部");
        made.push(
            app.add_org(
                &w.school,
                OrgLevel::Grassroots,
                OrgKind::Branch,
                &short,
                &full,
            )
            .await,
        );
    }
    let (ten, two) = (&made[0], &made[1]);
    let (status, body) = app
        .api()
        .get(&format!("/api/v1/orgs/{}/join-choices", w.school.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<i64> = body["choices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    let at = |id: i64| {
        ids.iter()
            .position(|i| *i == id)
            .unwrap_or_else(|| panic!("{body}"))
    };
    assert!(at(two.id) < at(ten.id), "（2）before（10）: {body}");

    // The page's list, in the same order.
    let c = app.browser();
    let html = c
        .get(app.url("/join"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("csrf", csrf_of(&html)),
        ("province_id", w.province.id.to_string()),
        ("pick", w.school.id.to_string()),
    ];
    let html = c
        .post(app.url("/join"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let pos = |id: i64| {
        html.find(&format!("id=\"pick-{id}\""))
            .unwrap_or_else(|| panic!("{html}"))
    };
    assert!(pos(two.id) < pos(ten.id), "{html}");
}

async fn inbox_names_the_applicant(app: TestApp) {
    let World { w, admin, admin_id } = world(&app).await;
    let id = id_aged(15, 82);
    applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id, "沈待办"),
    )
    .await;
    let (status, body) = admin.get("/api/v1/inbox").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let item = &body["items"][0];
    assert_eq!(item["kind"], "join_application", "{body}");
    assert_eq!(item["person"]["name"], "沈待办", "{body}");
    let masked = IdNumber::parse(&id).unwrap().masked();
    assert_eq!(item["person"]["id_number"], masked.as_str());
    // The page names the person first, the organisation under the name.
    let c =
        crate::support::admin::page_as_with(&app, &admin_id, ADMIN_PASSWORD, "admin", w.branch.id)
            .await;
    let html = c
        .get(app.url("/inbox"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let who = html
        .find("class=\"inbox-who\">沈待办<")
        .unwrap_or_else(|| panic!("{html}"));
    assert!(html[who..].contains(masked.as_str()));
    assert!(!html.contains(&id), "the full ID number is not shown");
}
