//! 号段 on both databases: allocation by provinces and sub-allocation below them, the
//! containment, overlap and deletion refusals with their messages, scope, the stored faults
//! recomputed when ranges change (and by the batch recheck), and the notice on the org page.

use crate::support::{Guangzhou, TestApp, location};
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::audit::Actor;
use tuanjian_store::members::EntryError;
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

both_databases!(
    allocation_rules_and_refusals,
    deletion_refusals,
    stored_faults_follow_the_ranges,
    moves_judge_members_again,
    page_flow
);

const PASSWORD: &str = "Passw0rd!x";

fn today() -> NaiveDate {
    tuanjian_store::entry_faults::beijing_today()
}

fn adult(seq: u32) -> String {
    IdNumber::from_first17(&format!("44010619800101{seq:03}")).to_string()
}

/// A member born 1 March of `birth_year`.
fn member(seq: u32, birth_year: i32, join: &str, dev: &str) -> MemberInput {
    MemberInput {
        profile: ProfileInput {
            name: format!("团员{seq}"),
            id_number: IdNumber::from_first17(&format!("440106{birth_year}0301{seq:03}"))
                .to_string(),
            ethnicity: "汉族".into(),
            political_status: "共青团员".into(),
            ..Default::default()
        },
        join_month: join.into(),
        dev_number: dev.into(),
        ..Default::default()
    }
}

/// An admin of `org` with a password, and an API client logged in as them.
async fn admin_of(app: &TestApp, org: &Org, seq: u32) -> (crate::support::ApiClient, AdminScope) {
    let p = app
        .add_person(&adult(seq), &format!("管理员{seq}"), Some(PASSWORD))
        .await;
    app.make_admin(org, &p).await;
    let mut api = app.api();
    api.login(&adult(seq), PASSWORD).await;
    let scope = app.store.admin_scope(p.id, org.id).await.unwrap().unwrap();
    (api, scope)
}

async fn allocate(
    api: &crate::support::ApiClient,
    from: &Org,
    to: &Org,
    range: &str,
) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/orgs/{}/dev-ranges", from.id),
        json!({ "org_id": to.id, "range": range }),
    )
    .await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or("")
}

async fn fault_of(app: &TestApp, person_id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT entry_fault FROM members WHERE person_id = $1")
        .bind(person_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

fn faults(e: EntryError) -> Vec<&'static str> {
    match e {
        EntryError::Faults(f) => f.iter().map(|f| f.code().as_str()).collect(),
        other => panic!("expected faults, got {other:?}"),
    }
}

async fn shenzhen(app: &TestApp, w: &Guangzhou) -> Org {
    app.add_org(
        &w.province,
        OrgLevel::Municipal,
        OrgKind::Committee,
        "团深圳市委",
        "共青团深圳市委员会",
    )
    .await
}

async fn allocation_rules_and_refusals(app: TestApp) {
    let w = app.guangzhou().await;
    let sz = shenzhen(&app, &w).await;
    let (province, _) = admin_of(&app, &w.province, 1).await;
    let (city, _) = admin_of(&app, &w.city, 2).await;
    let (county, _) = admin_of(&app, &w.county, 3).await;

    // The province hands a range to a city; the year comes from the numbers.
    let (s, b) = allocate(&province, &w.province, &w.city, "202444000001-202444001000").await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(
        (b["year"].as_i64(), b["count"].as_u64()),
        (Some(2024), Some(1000))
    );
    // Start, end and year as separate fields, the year checked against the numbers.
    let (s, b) = province
        .post(
            &format!("/api/v1/orgs/{}/dev-ranges", w.province.id),
            json!({ "org_id": sz.id, "year": 2024, "start": "202444002001", "end": "202444003000" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = province
        .post(
            &format!("/api/v1/orgs/{}/dev-ranges", w.province.id),
            json!({ "org_id": sz.id, "year": 2025, "start": "202444004001", "end": "202444005000" }),
        )
        .await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::BAD_REQUEST, "dev_range_invalid")
    );
    assert!(message(&b).contains("2025"), "{b}");

    // Overlap with a sibling's range, named in the message.
    let (s, b) = allocate(&province, &w.province, &sz, "202444000900-202444001100").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "dev_range_overlap"),
        "{b}"
    );
    assert!(message(&b).contains("202444000001-202444001000"), "{b}");
    // Numbers are unique nationwide: another province may not hand out the same ones.
    let bj = app.province("团北京市委").await;
    let dc = app
        .add_org(
            &bj,
            OrgLevel::Municipal,
            OrgKind::Committee,
            "团东城区委",
            "共青团北京市东城区委员会",
        )
        .await;
    let (beijing, _) = admin_of(&app, &bj, 4).await;
    let (s, b) = allocate(&beijing, &bj, &dc, "202444000500-202444000600").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "dev_range_overlap"),
        "{b}"
    );
    let (s, _) = allocate(&beijing, &bj, &dc, "202411000001-202411000100").await;
    assert_eq!(s, StatusCode::CREATED);

    // Malformed ranges change nothing.
    for bad in [
        "202444000100-",
        "2024440001-2024440002",
        "202444000200-202444000100",
        "202444000001-202544000001",
    ] {
        let (s, b) = allocate(&province, &w.province, &sz, bad).await;
        assert_eq!(
            (s, code(&b)),
            (StatusCode::BAD_REQUEST, "dev_range_invalid"),
            "{bad}: {b}"
        );
    }
    let (s, b) = province
        .post(
            &format!("/api/v1/orgs/{}/dev-ranges", w.province.id),
            json!({ "org_id": sz.id }),
        )
        .await;
    assert_eq!((s, code(&b)), (StatusCode::BAD_REQUEST, "required_missing"));

    // Sub-allocation: inside the city's own range only, and only for a year it holds.
    let (s, b) = allocate(&city, &w.city, &w.county, "202444000001-202444000500").await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = allocate(&city, &w.city, &w.sibling, "202444000900-202444001001").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "dev_range_outside_parent"),
        "{b}"
    );
    assert!(message(&b).contains("202444000001-202444001000"), "{b}");
    let (s, b) = allocate(&city, &w.city, &w.sibling, "202544000001-202544000010").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "dev_range_outside_parent")
    );
    assert!(message(&b).contains("上级组织没有2025年的号段"), "{b}");
    let (s, b) = allocate(&city, &w.city, &w.sibling, "202444000400-202444000600").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "dev_range_overlap"),
        "{b}"
    );
    let (s, _) = allocate(&city, &w.city, &w.sibling, "202444000501-202444001000").await;
    assert_eq!(s, StatusCode::CREATED);
    // The county hands part of its range to the school.
    let (s, _) = allocate(&county, &w.county, &w.school, "202444000101-202444000200").await;
    assert_eq!(s, StatusCode::CREATED);

    // Scope: only the own admin hands down, only to direct children, never 团中央.
    let (s, b) = allocate(&city, &w.county, &w.school, "202444000201-202444000210").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::FORBIDDEN, "not_direct_superior"),
        "{b}"
    );
    let (s, b) = allocate(&city, &w.city, &w.school, "202444000201-202444000210").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::BAD_REQUEST, "not_a_child"),
        "{b}"
    );
    let (s, _) = allocate(&county, &w.city, &w.county, "202444000201-202444000210").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = allocate(&city, &w.city, &dc, "202444000201-202444000210").await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a county of another province is no child"
    );
    let mut root = app.api();
    root.login(
        crate::support::ROOT_ADMIN_ID,
        crate::support::ROOT_ADMIN_PASSWORD,
    )
    .await;
    let (s, b) = allocate(&root, &app.root, &w.province, "202444000001-202444000010").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::FORBIDDEN, "central_does_not_allocate"),
        "{b}"
    );
    assert!(message(&b).contains("团中央"));

    // The overview: own ranges, handed ranges, who may allocate.
    let (s, b) = city
        .get(&format!("/api/v1/orgs/{}/dev-ranges", w.city.id))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["may_allocate"], true);
    assert_eq!(b["own"].as_array().unwrap().len(), 1);
    assert_eq!(b["own"][0]["start"], "202444000001");
    let handed: Vec<&str> = b["handed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["start"].as_str().unwrap())
        .collect();
    assert_eq!(handed, ["202444000001", "202444000501"]);
    assert_eq!(b["children"].as_array().unwrap().len(), 2);
    let (_, b) = province
        .get(&format!("/api/v1/orgs/{}/dev-ranges", w.city.id))
        .await;
    assert_eq!(
        b["may_allocate"], false,
        "the province looks, the city allocates"
    );
    let (s, _) = county
        .get(&format!("/api/v1/orgs/{}/dev-ranges", w.city.id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("dev_range.allocate").await, 6);
}

async fn deletion_refusals(app: TestApp) {
    let w = app.guangzhou().await;
    let (province, _) = admin_of(&app, &w.province, 1).await;
    let (city, _) = admin_of(&app, &w.city, 2).await;
    let (county, _) = admin_of(&app, &w.county, 3).await;
    let (_, school_scope) = admin_of(&app, &w.school, 4).await;
    let id = |b: &Value| b["id"].as_i64().unwrap();

    let (_, city_range) =
        allocate(&province, &w.province, &w.city, "202444000001-202444001000").await;
    let (_, county_range) = allocate(&city, &w.city, &w.county, "202444000001-202444000500").await;
    let (_, school_range) =
        allocate(&county, &w.county, &w.school, "202444000101-202444000200").await;
    let (_, spare) = allocate(&city, &w.city, &w.sibling, "202444000601-202444000700").await;

    // The province may not take back what the city handed further down.
    let del = |from: &Org, range: i64| format!("/api/v1/orgs/{}/dev-ranges/{range}", from.id);
    let (s, b) = province
        .send(
            reqwest::Method::DELETE,
            &del(&w.province, id(&city_range)),
            Value::Null,
        )
        .await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "dev_range_sub_allocated"),
        "{b}"
    );
    assert!(message(&b).contains("202444000001-202444000500"), "{b}");

    // A member of the branch uses a number of the school's range.
    app.store
        .add_member(
            &Actor::default(),
            &school_scope,
            w.branch.id,
            &member(1, 2008, "2024-05", "202444000150"),
            today(),
        )
        .await
        .unwrap();
    let (s, b) = county
        .send(
            reqwest::Method::DELETE,
            &del(&w.county, id(&school_range)),
            Value::Null,
        )
        .await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "dev_range_in_use"),
        "{b}"
    );
    assert!(message(&b).contains("1 个编号"), "{b}");
    // The use count shows on the overview, at every level above.
    let (_, b) = city
        .get(&format!("/api/v1/orgs/{}/dev-ranges", w.city.id))
        .await;
    assert_eq!(b["own"][0]["used"], 1);
    assert_eq!(b["handed"][0]["used"], 1);
    assert_eq!(b["handed"][1]["used"], 0);

    // Only the allocating organisation's admin takes a range back.
    let (s, b) = province
        .send(
            reqwest::Method::DELETE,
            &del(&w.city, id(&spare)),
            Value::Null,
        )
        .await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::FORBIDDEN, "not_direct_superior")
    );
    let (s, _) = county
        .send(
            reqwest::Method::DELETE,
            &del(&w.county, id(&spare)),
            Value::Null,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Unused and not handed down: taken back.
    let (s, b) = city
        .send(
            reqwest::Method::DELETE,
            &del(&w.city, id(&spare)),
            Value::Null,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["range"], "202444000601-202444000700");
    let (s, _) = city
        .send(
            reqwest::Method::DELETE,
            &del(&w.city, id(&spare)),
            Value::Null,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("dev_range.delete").await, 1);
    let _ = county_range;
}

async fn stored_faults_follow_the_ranges(app: TestApp) {
    let w = app.guangzhou().await;
    let sz = shenzhen(&app, &w).await;
    let (province, _) = admin_of(&app, &w.province, 1).await;
    let (_, scope) = admin_of(&app, &w.school, 2).await;
    let actor = Actor::default();
    let add = async |m: MemberInput| {
        app.store
            .add_member(&actor, &scope, w.branch.id, &m, today())
            .await
    };

    // Without any 号段 in the province only length, year and format are checked.
    let a = add(member(1, 2008, "2024-05", "202444000500"))
        .await
        .unwrap()
        .person_id;
    let b = add(member(2, 2008, "2023-05", "202399999999"))
        .await
        .unwrap()
        .person_id;
    let f = add(member(3, 2008, "2022-05", "202244000001"))
        .await
        .unwrap()
        .person_id;
    let g = add(member(4, 2003, "2017-09", "201844000001"))
        .await
        .unwrap()
        .person_id;
    let h = add(member(5, 2003, "2018-09", "201744000001"))
        .await
        .unwrap()
        .person_id;
    for (number, fault) in [
        ("20234400001", "dev_number_bad_length"),
        ("202244000001", "dev_number_year_mismatch"),
        ("2023A4000001", "dev_number_bad_format"),
    ] {
        let refused = add(member(6, 2008, "2023-05", number)).await.unwrap_err();
        assert_eq!(faults(refused), [fault], "{number}");
    }
    for p in [a, b, f, g, h] {
        assert_eq!(fault_of(&app, p).await, None);
    }

    // The province's first 2024 range turns range checking on for its 2024 members.
    let (s, body) = allocate(&province, &w.province, &w.city, "202444000001-202444000100").await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        body["recheck"],
        json!({ "checked": 1, "changed": 1, "faulty": 1 })
    );
    assert_eq!(
        fault_of(&app, a).await.as_deref(),
        Some("dev_number_out_of_range")
    );
    assert_eq!(fault_of(&app, b).await, None, "2023 is not concerned");
    // New entries are held to the ranges at once.
    assert_eq!(
        faults(
            add(member(7, 2008, "2024-05", "202444000500"))
                .await
                .unwrap_err()
        ),
        ["dev_number_out_of_range"]
    );
    add(member(7, 2008, "2024-05", "202444000050"))
        .await
        .unwrap();

    // The notice on the admin's org page, linking the filtered list.
    let (c, _) = app.page_login(&adult(2), PASSWORD).await;
    let page = c
        .get(app.url(&format!("/orgs/{}", w.school.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"faulty-notice\""), "{page}");
    assert!(page.contains(&format!("/orgs/{}/members?faulty=1", w.school.id)));
    assert!(page.contains(&format!("/orgs/{}/dev-ranges", w.school.id)));

    // A 2022 range handed to another city: this line now holds nothing for 2022.
    let (_, body) = allocate(&province, &w.province, &sz, "202244000001-202244000100").await;
    assert_eq!(body["recheck"]["faulty"], 1);
    assert_eq!(
        fault_of(&app, f).await.as_deref(),
        Some("dev_number_out_of_range")
    );
    // Taken back, the province allocates nothing for 2022 again and the flag goes.
    let (s, body) = province
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{}/dev-ranges/{}", w.province.id, body["id"]),
            Value::Null,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body["recheck"],
        json!({ "checked": 1, "changed": 1, "faulty": 0 })
    );
    assert_eq!(fault_of(&app, f).await, None);

    // 2017 and 2018 go together: a 2018 range bears on members of both years.
    let (_, body) = allocate(&province, &w.province, &w.city, "201844000001-201844000100").await;
    assert_eq!(body["recheck"]["checked"], 2);
    assert_eq!(
        fault_of(&app, g).await,
        None,
        "a 2018 number inside the range, joined 2017"
    );
    assert_eq!(
        fault_of(&app, h).await.as_deref(),
        Some("dev_number_out_of_range")
    );

    // The batch recheck recomputes everyone: flags wiped by hand come back, and a record
    // without 入团年月 (entered before the rules) is flagged.
    let old = app
        .add_person(
            &IdNumber::from_first17("44010620080301099").to_string(),
            "旧记录",
            None,
        )
        .await;
    app.make_member(&w.branch, &old).await;
    sqlx::query("UPDATE members SET entry_fault = NULL")
        .execute(app.store.pool())
        .await
        .unwrap();
    let stats = app
        .store
        .recheck_all_members(today(), 2, |_| {})
        .await
        .unwrap();
    assert_eq!((stats.checked, stats.faulty, stats.changed), (7, 3, 3));
    assert_eq!(
        fault_of(&app, a).await.as_deref(),
        Some("dev_number_out_of_range")
    );
    assert_eq!(
        fault_of(&app, old.id).await.as_deref(),
        Some("required_missing")
    );
    let again = app
        .store
        .recheck_all_members(today(), 1000, |_| {})
        .await
        .unwrap();
    assert_eq!((again.checked, again.changed), (7, 0));
}

async fn page_flow(app: TestApp) {
    let w = app.guangzhou().await;
    let (province, _) = admin_of(&app, &w.province, 1).await;
    admin_of(&app, &w.city, 2).await;
    allocate(&province, &w.province, &w.city, "202444000001-202444001000").await;
    let (c, _) = app.page_login(&adult(2), PASSWORD).await;

    let org_page = c
        .get(app.url(&format!("/orgs/{}", w.city.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(org_page.contains(&format!("/orgs/{}/dev-ranges", w.city.id)));
    let url = app.url(&format!("/orgs/{}/dev-ranges", w.city.id));
    let page = c.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"allocate-form\""), "{page}");
    assert!(page.contains("202444000001-202444001000"));
    let csrf = crate::support::csrf_of(&page);

    let county = w.county.id.to_string();
    let res = c
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("org_id", county.as_str()),
            ("year", "2024"),
            ("start", "202444000001"),
            ("end", "202444000100"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let done = c
        .get(app.url(&location(&res)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        done.contains("已分配号段 202444000001-202444000100"),
        "{done}"
    );
    assert!(done.contains("id=\"handed-ranges\""));

    // Refused: the page comes back with the message and the typed values.
    let res = c
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("org_id", county.as_str()),
            ("year", ""),
            ("start", ""),
            ("end", ""),
            ("range", "202444000050-202444000150"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("id=\"ranges-error\"") && body.contains("重叠"),
        "{body}"
    );
    assert!(body.contains("value=\"202444000050-202444000150\""));

    // Taking it back from the page.
    let range_id: i64 = sqlx::query_scalar("SELECT id FROM dev_ranges WHERE org_id = $1")
        .bind(w.county.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let res = c
        .post(app.url(&format!("/orgs/{}/dev-ranges/{range_id}/delete", w.city.id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let done = c
        .get(app.url(&location(&res)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("已收回号段"), "{done}");
    assert!(done.contains("id=\"no-handed\""));

    // The API is described in the OpenAPI document.
    let (_, doc) = app.api().get("/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/orgs/{id}/dev-ranges"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/orgs/{id}/dev-ranges/{range_id}"]["delete"].is_object());
}

/// Moving an organisation puts its members under other 号段: their stored records are judged
/// again inside the move.
async fn moves_judge_members_again(app: TestApp) {
    let w = app.guangzhou().await;
    let sz = shenzhen(&app, &w).await;
    let (province, _) = admin_of(&app, &w.province, 1).await;
    let (_, scope) = admin_of(&app, &w.school, 2).await;
    let (s, b) = allocate(&province, &w.province, &w.city, "202344000001-202344000500").await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = allocate(&province, &w.province, &sz, "202344000501-202344001000").await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let person = app
        .store
        .add_member(
            &Actor::default(),
            &scope,
            w.branch.id,
            &member(1, 2008, "2023-05", "202344000010"),
            today(),
        )
        .await
        .unwrap()
        .person_id;
    assert_eq!(fault_of(&app, person).await, None);
    let central = app.add_person(&adult(9), "团中央管理员", None).await;
    let mut tx = app.store.begin().await.unwrap();
    tuanjian_store::org_moves::move_directly(
        &mut tx,
        &Actor::default(),
        central.id,
        w.county.id,
        sz.id,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        fault_of(&app, person).await.as_deref(),
        Some("dev_number_out_of_range")
    );
}
