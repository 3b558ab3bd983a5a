//! Members and cadres imported and exported again unchanged; the other kind's template refused.

use super::*;

both_databases!(
    members_round_trip,
    free_text_with_quotes_and_commas_round_trips,
    cadres_round_trip,
    mixed_template_is_refused,
);

fn sorted(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.sort_by(|a, b| a[1].cmp(&b[1]));
    rows
}

async fn members_round_trip(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    // The template the page offers reads back with no rows and the branches in its drop-down.
    let (status, template) = get_bytes(
        &app,
        &s,
        &format!("/api/v1/orgs/{school}/import/members/template"),
    )
    .await;
    assert_eq!(status, 200);
    let err = tuanjian_sheet::read_rows(
        &crate::support::import::template(Kind::Members),
        &template,
        "t.xlsx",
    )
    .unwrap_err();
    assert_eq!(err.code(), "sheet_empty");

    let filled = golden_members();
    let people_before = count(&app, "people").await;
    let checked = check(&app, &s, school, "members", &filled).await;
    assert_eq!(checked["job"]["state"], "validated", "{checked}");
    assert_eq!(checked["job"]["total_rows"], 4);
    assert_eq!(checked["job"]["faulty_rows"], 0, "{checked}");
    assert_eq!(count(&app, "members").await, 0, "a check writes nothing");

    let done = commit(
        &app,
        &s,
        school,
        checked["job"]["id"].as_i64().unwrap(),
        false,
    )
    .await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    assert_eq!(done["job"]["written"]["members"], 4);
    assert_eq!(done["job"]["written"]["cadres"], 1);
    assert_eq!(count(&app, "members").await, 4);
    assert_eq!(count(&app, "people").await, people_before + 4);
    assert_eq!(app.audit_count("member.import").await, 1);
    // Their name search entries were written after them in one statement (migration 0020);
    // the harness compares the whole index with the rows after the test.
    assert_eq!(count(&app, "name_chars_deferred").await, 0);
    let (status, found) = get_bytes(
        &app,
        &s,
        &format!("/api/v1/orgs/{school}/members?name=%E7%BA%A2"),
    )
    .await;
    assert_eq!(status, 200);
    let found: serde_json::Value = serde_json::from_slice(&found).unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["name"], "李红", "{found}");

    // Imported members sign in with the ID number and its last 8 characters (seed, question 11).
    let id = member_id(2);
    let (status, _) = app
        .api()
        .post(
            "/api/v1/login",
            serde_json::json!({"id_number": id, "password": &id[10..]}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, exported) =
        get_bytes(&app, &s, &format!("/api/v1/orgs/{school}/members/export")).await;
    assert_eq!(status, 200);
    assert_eq!(
        sorted(values_of(Kind::Members, &exported)),
        sorted(values_of(Kind::Members, &filled)),
        "an export imports back unchanged"
    );
    assert_eq!(app.audit_count("member.export").await, 1);

    // Importing the export again: every row is already there.
    let again = check(&app, &s, school, "members", &exported).await;
    assert_eq!(again["job"]["faulty_rows"], 4);
    assert!(
        codes(&again).iter().all(|c| c == "already_registered"),
        "{again}"
    );
    assert!(
        again["faults"][0]["message"]
            .as_str()
            .unwrap()
            .contains("已是本团支部"),
        "{again}"
    );
}

/// Free text that PostgreSQL's bulk statements carry inside array literals (quotes,
/// backslashes, commas, braces, the word NULL) and fields left blank come back as written.
async fn free_text_with_quotes_and_commas_round_trips(app: TestApp) {
    use MemberField as F;
    let s = setup(&app).await;
    let school = s.w.school.id;
    let mut odd = member_row(1, BRANCH1);
    let mut blank = member_row(2, BRANCH2);
    let at = |f: MemberField| {
        Kind::Members
            .fields()
            .iter()
            .position(|g| *g == f)
            .expect("a members column")
    };
    odd[at(F::WorkUnit)] = r#"天河区"第一"中学\初中部, {分校}"#.to_string();
    odd[at(F::JoinUnit)] = "NULL".to_string();
    odd[at(F::HouseholdPlace)] = r#"广东省\广州市"#.to_string();
    odd[at(F::Income)] = "{}".to_string();
    odd[at(F::CardNumber)] = r#"T"1","2""#.to_string();
    for f in [
        F::WorkUnit,
        F::JoinUnit,
        F::HouseholdPlace,
        F::Income,
        F::CardNumber,
    ] {
        blank[at(f)] = String::new();
    }
    let file = members_file(&[odd, blank]);
    let done = check_and_commit(&app, &s, school, "members", &file).await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    let (status, exported) =
        get_bytes(&app, &s, &format!("/api/v1/orgs/{school}/members/export")).await;
    assert_eq!(status, 200);
    assert_eq!(
        sorted(values_of(Kind::Members, &exported)),
        sorted(values_of(Kind::Members, &file)),
    );
}

async fn cadres_round_trip(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let filled = golden_cadres();
    let done = check_and_commit(&app, &s, school, "cadres", &filled).await;
    assert_eq!(done["job"]["written"]["cadres"], 2, "{done}");
    assert_eq!(
        count(&app, "members").await,
        0,
        "cadres are not made members"
    );
    let (status, exported) =
        get_bytes(&app, &s, &format!("/api/v1/orgs/{school}/cadres/export")).await;
    assert_eq!(status, 200);
    assert_eq!(
        values_of(Kind::Cadres, &exported),
        values_of(Kind::Cadres, &filled)
    );
    assert_eq!(app.audit_count("cadre.export").await, 1);
}

async fn mixed_template_is_refused(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    for (kind, file) in [("members", golden_cadres()), ("cadres", golden_members())] {
        let done = check(&app, &s, school, kind, &file).await;
        assert_eq!(done["job"]["state"], "failed", "{done}");
        assert_eq!(
            done["job"]["message"],
            "您上传的excel表格错误,‘导入本级团干部’和‘导入下级团支部团员团干部’中所下载的模板不可混用,请重新上传正确的表格",
        );
    }
    // Another sheet altogether: the same words, and what its first row holds.
    let other = tuanjian_sheet::write_filled(
        &tuanjian_sheet::Template::new("x", vec![tuanjian_sheet::Column::new("组织简称")]),
        &[vec!["团一中委".into()]],
    )
    .unwrap();
    let done = check(&app, &s, school, "members", &other).await;
    let msg = done["job"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("您上传的excel表格错误") && msg.contains("组织简称"),
        "{msg}"
    );
}
