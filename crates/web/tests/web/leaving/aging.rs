//! 超龄离团: who the list shows (and why some keep membership), and the branch's bulk 办理离团
//! with its refusals, each leaving nothing changed.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::admin::{get_html, page_as, post_form};
use crate::support::members::World;

both_databases!(
    the_list_shows_who_reaches_28_and_who_keeps_membership,
    the_branch_leaves_members_in_bulk,
    bulk_refusals_change_nothing,
    the_page_leaves_the_checked_members,
);

async fn the_list_shows_who_reaches_28_and_who_keeps_membership(app: TestApp) {
    let t = World::new(&app).await;
    let b = &t.w.branch;
    let aged = member_born(&app, b, 1, born(28, 10), "已满甲").await;
    let cadre = member_born(&app, b, 2, born(29, 0), "团干乙").await;
    app.make_cadre(b, &cadre, "组织委员").await;
    let student = member_born(&app, b, 3, born(28, 1), "学生丙").await;
    set_occupation(&app, &student, "01").await;
    let soon = member_born(&app, b, 4, turning_28_in(2), "将满丁").await;
    let young = member_born(&app, b, 5, born(25, 0), "年轻戊").await;
    let gone = member_born(&app, b, 6, born(30, 0), "已离己").await;
    sqlx::query("UPDATE members SET status = 'aged_out' WHERE person_id = $1")
        .bind(gone.id)
        .execute(app.store.pool())
        .await
        .unwrap();

    let path = format!("/api/v1/orgs/{}/aged-out", b.id);
    let (status, body) = t.branch.get(&format!("{path}?months=3")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut listed = ids(&body);
    listed.sort();
    assert_eq!(
        listed,
        vec![aged.id, cadre.id, student.id, soon.id],
        "{body}"
    );
    assert_eq!(body["total"], 4);
    let item = |id: i64| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["person_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(item(aged.id)["kept"], serde_json::Value::Null);
    assert_eq!(item(cadre.id)["kept"], "holds_post");
    assert_eq!(item(student.id)["kept"], "student");
    assert!(
        item(student.id)["kept_label"]
            .as_str()
            .unwrap()
            .contains("毕业")
    );
    assert_eq!(item(soon.id)["kept"], serde_json::Value::Null);
    assert!(!listed.contains(&young.id) && !listed.contains(&gone.id));

    // Only those already 28 with months = 0; the county above sees the same subtree.
    let (_, now) = t.branch.get(&format!("{path}?months=0")).await;
    assert_eq!(now["total"], 3, "{now}");
    let (_, county) = t
        .county
        .get(&format!("/api/v1/orgs/{}/aged-out?months=3", t.w.county.id))
        .await;
    assert_eq!(county["total"], 4, "{county}");

    // Too far ahead, or not a number.
    for bad in ["99", "x"] {
        let (status, body) = t.branch.get(&format!("{path}?months={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "leaving_date_invalid");
    }
    // Outside the subtree: not found.
    let (status, body) = t.sibling.get(&path).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));

    // The page, usable on a phone, says why each one stays.
    let c = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b.id).await;
    let (status, html) = get_html(&app, &c, &format!("/orgs/{}/aged-out", b.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("已满甲") && html.contains("担任团内职务"),
        "{html}"
    );
    assert!(html.contains(&format!("id=\"pick-{}\"", aged.id)));
    assert!(!html.contains(&format!("id=\"pick-{}\"", cadre.id)));
    assert!(!html.contains(&format!("id=\"pick-{}\"", soon.id)));
}

async fn the_branch_leaves_members_in_bulk(app: TestApp) {
    let t = World::new(&app).await;
    let b = &t.w.branch;
    let one = member_born(&app, b, 1, born(28, 0), "甲").await;
    let two = member_born(&app, b, 2, born(31, 5), "乙").await;
    let path = format!("/api/v1/orgs/{}/aged-out/leave", b.id);
    let (status, body) = t
        .branch
        .post(
            &path,
            json!({ "person_ids": [one.id, two.id, one.id], "date": today() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["left"], 2, "a member listed twice leaves once");
    for p in [&one, &two] {
        assert_eq!(status_of(&app, p.id).await, "aged_out");
        assert_eq!(steps_of(&app, p.id).await, 1);
    }
    assert_eq!(app.audit_count("membership.aged_out.decided").await, 2);
    let (_, history) = t
        .branch
        .get(&format!("/api/v1/members/{}/membership", one.id))
        .await;
    assert_eq!(history["status"], "aged_out");
    assert_eq!(history["is_member"], false);
    assert_eq!(history["history"][0]["kind"], "aged_out");
    assert_eq!(history["history"][0]["date"], today());
    assert_eq!(history["history"][0]["actor_name"], "支部管理员");
    // Gone from the list, and a second time is refused.
    let (_, list) = t
        .branch
        .get(&format!("/api/v1/orgs/{}/aged-out", b.id))
        .await;
    assert_eq!(list["total"], 0, "{list}");
    let (status, body) = t
        .branch
        .post(&path, json!({ "person_ids": [one.id], "date": today() }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "member_has_left")
    );
}

async fn bulk_refusals_change_nothing(app: TestApp) {
    let t = World::new(&app).await;
    let b = &t.w.branch;
    let aged = member_born(&app, b, 1, born(28, 3), "应离").await;
    let soon = member_born(&app, b, 2, turning_28_in(2), "未满").await;
    let cadre = member_born(&app, b, 3, born(28, 3), "团干").await;
    app.make_cadre(b, &cadre, "书记").await;
    let student = member_born(&app, b, 4, born(28, 3), "学生").await;
    set_occupation(&app, &student, "01").await;
    let path = format!("/api/v1/orgs/{}/aged-out/leave", b.id);
    for (who, expect) in [
        (soon.id, "not_aged_out"),
        (cadre.id, "holds_post"),
        (student.id, "student_kept"),
    ] {
        let (status, body) = t
            .branch
            .post(
                &path,
                json!({ "person_ids": [aged.id, who], "date": today() }),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::CONFLICT, expect),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("没有办理任何人")
        );
    }
    // A date before the 28th birthday is refused too.
    let (status, body) = t
        .branch
        .post(
            &path,
            json!({ "person_ids": [aged.id], "date": "2020-01-01" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "not_aged_out")
    );
    for (date, expect) in [
        ("2999-01-01", "leaving_date_invalid"),
        ("明天", "leaving_date_invalid"),
    ] {
        let (status, body) = t
            .branch
            .post(&path, json!({ "person_ids": [aged.id], "date": date }))
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, expect),
            "{body}"
        );
    }
    let (status, body) = t
        .branch
        .post(&path, json!({ "person_ids": [], "date": today() }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "required_missing")
    );
    // The superior does not do it; a committee is not a branch; a member elsewhere is not found.
    let (status, body) = t
        .school
        .post(&path, json!({ "person_ids": [aged.id], "date": today() }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "not_own_org")
    );
    let (status, body) = t
        .school
        .post(
            &format!("/api/v1/orgs/{}/aged-out/leave", t.w.school.id),
            json!({ "person_ids": [aged.id], "date": today() }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "not_a_branch")
    );
    let elsewhere = member_born(&app, &t.sibling_branch, 5, born(29, 0), "别处").await;
    let (status, body) = t
        .branch
        .post(
            &path,
            json!({ "person_ids": [elsewhere.id], "date": today() }),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    for p in [&aged, &soon, &cadre, &student, &elsewhere] {
        assert_eq!(status_of(&app, p.id).await, "normal");
        assert_eq!(steps_of(&app, p.id).await, 0);
    }
}

async fn the_page_leaves_the_checked_members(app: TestApp) {
    let t = World::new(&app).await;
    let b = &t.w.branch;
    let one = member_born(&app, b, 1, born(28, 0), "页甲").await;
    let two = member_born(&app, b, 2, born(30, 0), "页乙").await;
    let c = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b.id).await;
    let page = format!("/orgs/{}/aged-out", b.id);
    let res = post_form(
        &app,
        &c,
        &page,
        &format!("/orgs/{}/aged-out/leave", b.id),
        &[
            ("person_id", &one.id.to_string()),
            ("person_id", &two.id.to_string()),
            ("date", &today()),
        ],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let (_, html) = get_html(&app, &c, &crate::support::location(&res)).await;
    assert!(html.contains("已为 2 名团员办理超龄离团"), "{html}");
    assert_eq!(status_of(&app, one.id).await, "aged_out");
    assert_eq!(status_of(&app, two.id).await, "aged_out");
    // A refusal is shown on the page, in Chinese.
    let res = post_form(
        &app,
        &c,
        &page,
        &format!("/orgs/{}/aged-out/leave", b.id),
        &[("date", &today())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("请勾选要办理离团的团员"));
}
