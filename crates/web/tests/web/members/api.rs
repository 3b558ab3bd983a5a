//! The members API on both databases: entry with faults per field, lists (filters, paging,
//! sorting, masking), records and their edit under the entry rules, cadres, and the name/ID
//! correction round trip through the province's inbox.

use crate::support::members::*;
use reqwest::StatusCode;
use serde_json::json;

both_databases!(
    entry_creates_the_account_at_once,
    entry_faults_name_their_fields,
    lists_filter_page_sort_and_mask,
    record_and_edit_under_the_rules,
    cadres_entry_and_list,
    corrections_round_trip,
    openapi_documents_the_routes,
);

async fn entry_creates_the_account_at_once(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    // The branch's direct superior (the school) enters a member.
    let (status, body) = t
        .school
        .post(
            &format!("/api/v1/orgs/{}/members", t.w.branch.id),
            member_json(1, "张一"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body["notice"]
            .as_str()
            .unwrap()
            .contains("初始密码为身份证号码后8位")
    );
    let rec = &body["record"];
    assert_eq!(rec["person"]["name"], "张一");
    assert_eq!(rec["person"]["sex"], "男");
    assert_eq!(rec["person"]["birth_date"], "2008-03-01");
    assert_eq!(rec["membership"]["org_id"], t.w.branch.id);
    assert_eq!(rec["membership"]["status"], "normal");
    assert_eq!(rec["membership"]["dev_number"], "202244000001");
    // The account works at once with the last 8 characters of the ID number.
    let id = youth(1);
    let mut member = app.api();
    let login = member.login(&id, &id[10..]).await;
    assert_eq!(login["must_change_password"], true);
    assert_eq!(app.audit_count("member.create").await, 1);

    // The branch's own admin too; a county admin two levels up may not (refused, not added).
    add(&t.branch, &t.w.branch, member_json(2, "张二")).await;
    let (status, body) = t
        .county
        .post(
            &format!("/api/v1/orgs/{}/members", t.w.branch.id),
            member_json(3, "张三"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "not_own_or_direct_superior");
    // Members go into branches only.
    let (status, body) = t
        .county
        .post(
            &format!("/api/v1/orgs/{}/members", t.w.school.id),
            member_json(3, "张三"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "not_a_branch");
    assert_eq!(member_count(&app).await, 2);
}

async fn entry_faults_name_their_fields(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let path = format!("/api/v1/orgs/{}/members", t.w.branch.id);
    add(&t.branch, &t.w.branch, member_json(1, "张一")).await;
    let before = member_count(&app).await;

    let mut bad = member_json(2, "");
    bad["ethnicity"] = json!("火星族");
    bad["dev_number"] = json!("201944000002");
    bad["email"] = json!("not-an-email");
    let (status, body) = t.branch.post(&path, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "record_invalid");
    let f = faults(&body);
    for (code, field) in [
        ("required_missing", "name"),
        ("invalid_choice", "ethnicity"),
        ("dev_number_year_mismatch", "dev_number"),
        ("invalid_format", "email"),
    ] {
        assert!(
            f.contains(&(code.to_string(), field.to_string())),
            "{code} on {field} in {f:?}"
        );
    }
    for m in body["faults"].as_array().unwrap() {
        assert!(!m["message"].as_str().unwrap().is_empty());
    }

    // Too young at joining: 13 from 2017 (born 2008-03-01, joined 2021-02).
    let mut young = member_json(3, "李三");
    young["join_month"] = json!("2021-02");
    young["dev_number"] = json!("202144000003");
    let (status, body) = t.branch.post(&path, young).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        [("join_age_too_young".into(), "join_month".into())]
    );

    // The number of someone else; the same person twice; a missing number from 2017.
    let (status, body) = t
        .branch
        .post(&path, {
            let mut m = member_json(4, "李四");
            m["dev_number"] = json!("202244000001");
            m
        })
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        [("dev_number_taken".into(), "dev_number".into())]
    );
    let (status, body) = t.branch.post(&path, member_json(1, "张一")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut twice = member_json(1, "张一");
    twice["dev_number"] = json!("202244000099");
    let (_, body2) = t.branch.post(&path, twice).await;
    assert_eq!(
        faults(&body2),
        [("already_registered".into(), "id_number".into())]
    );
    let (status, body) = t
        .branch
        .post(&path, {
            let mut m = member_json(5, "李五");
            m["dev_number"] = json!("");
            m
        })
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        [("dev_number_required".into(), "dev_number".into())]
    );
    // Bad JSON is a 400 with a Chinese message.
    let (status, body) = t.branch.post(&path, json!({ "name": 5 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "json_invalid");
    assert_eq!(member_count(&app).await, before, "nothing added");
}

async fn lists_filter_page_sort_and_mask(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let names = ["赵一", "钱二", "孙三", "李四", "周五"];
    let mut ids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let seq = i as u32 + 1;
        let mut m = member_json(seq, n);
        if seq >= 4 {
            m["join_month"] = json!("2023-03");
            m["dev_number"] = json!(format!("2023440000{seq:02}"));
        }
        ids.push(add(&t.branch, &t.w.branch, m).await);
    }
    set_fault(&app, ids[1], "dev_number_out_of_range").await;
    sqlx::query("UPDATE members SET status = 'lapsed_pending' WHERE person_id = $1")
        .bind(ids[2])
        .execute(app.store.pool())
        .await
        .unwrap();
    // The county (ancestor) lists the school's subtree.
    let base = format!("/api/v1/orgs/{}/members", t.w.school.id);
    let (status, body) = t.county.get(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 5);
    let first = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "赵一")
        .unwrap();
    let full = youth(1);
    assert_eq!(
        first["id_number"],
        format!("{}********{}", &full[..6], &full[14..])
    );
    assert!(
        !body.to_string().contains(&full),
        "no full ID number in lists"
    );

    let get_names = |b: &serde_json::Value| -> Vec<String> {
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, b) = t.county.get(&format!("{base}?name=%E9%92%B1")).await; // 钱
    assert_eq!(get_names(&b), ["钱二"]);
    let (_, b) = t
        .county
        .get(&format!("{base}?id_number={}", &youth(3)[12..]))
        .await;
    assert_eq!(get_names(&b), ["孙三"]);
    let (_, b) = t
        .county
        .get(&format!("{base}?join_year=2023&sort=name"))
        .await;
    assert_eq!(b["total"], 2);
    let (_, b) = t.county.get(&format!("{base}?status=lapsed_pending")).await;
    assert_eq!(get_names(&b), ["孙三"]);
    let (_, b) = t
        .county
        .get(&format!("{base}?status=%E8%87%AA%E8%A1%8C%E8%84%B1%E5%9B%A2%EF%BC%88%E5%BE%85%E5%AE%A1%E6%A0%B8%EF%BC%89"))
        .await; // 自行脱团（待审核） by label
    assert_eq!(get_names(&b), ["孙三"]);
    let (_, b) = t.county.get(&format!("{base}?faulty=1")).await;
    assert_eq!(get_names(&b), ["钱二"]);
    assert_eq!(b["items"][0]["entry_fault"], "dev_number_out_of_range");
    assert!(
        b["items"][0]["entry_fault_message"]
            .as_str()
            .unwrap()
            .contains("号段")
    );
    // Paging: 2 per page, 3 pages that together hold everyone once.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (_, p) = t
            .county
            .get(&format!("{base}?per_page=2&page={page}"))
            .await;
        assert_eq!(p["total"], 5);
        assert_eq!(get_names(&p).len(), if page < 3 { 2 } else { 1 });
        seen.extend(get_names(&p));
    }
    seen.sort();
    let mut all: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    all.sort();
    assert_eq!(seen, all);
    // Sorting by join month, newest first: the 2023 members lead.
    let (_, b) = t.county.get(&format!("{base}?sort=join_desc")).await;
    let n = get_names(&b);
    assert!(
        n[..2].contains(&"李四".to_string()) && n[..2].contains(&"周五".to_string()),
        "{n:?}"
    );
    // Bad filters are refused with a message saying what to type.
    for (q, code) in [
        ("join_year=19x", "join_year_invalid"),
        ("sort=age", "sort_invalid"),
        ("status=bogus", "status_invalid"),
        ("page=abc", "query_invalid"),
    ] {
        let (status, body) = t.county.get(&format!("{base}?{q}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {body}");
        assert_eq!(body["error"]["code"], code);
    }
}

async fn record_and_edit_under_the_rules(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let id = add(&t.branch, &t.w.branch, member_json(1, "张一")).await;
    let other = add(&t.branch, &t.w.branch, member_json(2, "张二")).await;
    set_fault(&app, id, "dev_number_out_of_range").await;
    let path = format!("/api/v1/members/{id}");
    let (status, body) = t.school.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["person"]["id_number"], youth(1));
    assert_eq!(body["may_edit"], true);
    assert_eq!(body["membership"]["entry_fault"], "dev_number_out_of_range");
    // The county sees it but is not the branch's own or direct superior.
    let (_, body) = t.county.get(&path).await;
    assert_eq!(body["may_edit"], false);

    // Name and ID number in the body are ignored; the rest is replaced (email cleared).
    let mut edit = member_json(1, "改名");
    edit["id_number"] = json!(youth(9));
    edit["phone"] = json!("13900139000");
    edit["wechat"] = json!("wx_zhang01");
    edit["dev_number"] = json!("202244000011");
    let (status, body) = t
        .school
        .send(reqwest::Method::PUT, &path, edit.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["person"]["name"], "张一");
    assert_eq!(body["person"]["wechat"], "wx_zhang01");
    let (name, idn, phone) = person_row(&app, id).await;
    assert_eq!((name.as_str(), idn.as_str()), ("张一", youth(1).as_str()));
    assert_eq!(phone.as_deref(), Some("13900139000"));
    let (_, dev, fault) = member_row(&app, id).await;
    assert_eq!(dev.as_deref(), Some("202244000011"));
    assert_eq!(fault, None, "a record that passes has its fault cleared");
    assert_eq!(app.audit_count("member.edit").await, 1);

    // The same number as before is fine (self excluded); someone else's is taken.
    let (status, _) = t
        .school
        .send(reqwest::Method::PUT, &path, edit.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut taken = edit.clone();
    taken["dev_number"] = json!("202244000002");
    let (status, body) = t.school.send(reqwest::Method::PUT, &path, taken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        [("dev_number_taken".into(), "dev_number".into())]
    );
    let mut young = edit.clone();
    young["join_month"] = json!("2020-01");
    young["dev_number"] = json!("202044000011");
    let (status, body) = t.school.send(reqwest::Method::PUT, &path, young).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        [("join_age_too_young".into(), "join_month".into())]
    );
    let (_, dev, _) = member_row(&app, id).await;
    assert_eq!(dev.as_deref(), Some("202244000011"), "nothing changed");
    // The county may read but not change.
    let (status, body) = t.county.send(reqwest::Method::PUT, &path, edit).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(app.audit_count("member.edit").await, 2);
    let _ = other;
}

async fn cadres_entry_and_list(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let member = add(&t.branch, &t.w.branch, member_json(1, "张一")).await;
    // The member becomes the branch's 组织委员: the same account, a post added.
    let mut c = member_json(1, "张一");
    c["post"] = json!("组织委员");
    c["cadre_nature"] = json!("兼职");
    c["post_since"] = json!("2024-09");
    let (status, body) = t
        .school
        .post(&format!("/api/v1/orgs/{}/cadres", t.w.branch.id), c.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["person_id"], member);
    assert_eq!(body["record"]["posts"][0]["post"], "组织委员");
    // A committee has no 组织委员: the field says which posts it has.
    let (status, body) = t
        .county
        .post(&format!("/api/v1/orgs/{}/cadres", t.w.school.id), c.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(faults(&body), [("invalid_choice".into(), "post".into())]);
    assert!(
        body["faults"][0]["message"]
            .as_str()
            .unwrap()
            .contains("常委")
    );
    // A new person as the school's 书记.
    let mut s = json!({
        "name": "王书记",
        "id_number": crate::support::admin::idn(50),
        "ethnicity": "汉族",
        "political_status": "中共党员",
        "post": "书记",
        "cadre_nature": "专职",
        "party_committee": "是",
    });
    let (status, body) = t
        .county
        .post(&format!("/api/v1/orgs/{}/cadres", t.w.school.id), s.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    s["post"] = json!("书记");
    let (status, body) = t
        .county
        .post(&format!("/api/v1/orgs/{}/cadres", t.w.school.id), s)
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the same post twice: {body}"
    );

    let base = format!("/api/v1/orgs/{}/cadres", t.w.county.id);
    let (status, body) = t.county.get(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 2);
    let (_, body) = t
        .county
        .get(&format!("{base}?post=%E4%B9%A6%E8%AE%B0"))
        .await; // 书记
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["name"], "王书记");
    assert_eq!(body["items"][0]["nature_label"], "专职");
    assert_eq!(body["items"][0]["party_committee"], true);
    let full = crate::support::admin::idn(50);
    assert_eq!(
        body["items"][0]["id_number"],
        format!("{}********{}", &full[..6], &full[14..])
    );
    let (_, body) = t.county.get(&format!("{base}?name=%E5%BC%A0")).await; // 张
    assert_eq!(body["total"], 1);
    let (_, body) = t.county.get(&format!("{base}?per_page=1&page=2")).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    let (status, body) = t.county.get(&format!("{base}?post=xyz")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // The branch lists only its own subtree.
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{}/cadres", t.w.branch.id))
        .await;
    assert_eq!(body["total"], 1);
}

async fn corrections_round_trip(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let id = add(&t.branch, &t.w.branch, member_json(1, "张一")).await;
    let someone = add(&t.branch, &t.w.branch, member_json(2, "张二")).await;
    let path = format!("/api/v1/members/{id}/corrections");

    // Faults: nothing asked; a bad ID; an ID someone holds; no reason.
    let (status, body) = t.branch.post(&path, json!({ "reason": "错字" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        [("nothing_to_correct".into(), "new_name".into())]
    );
    let (_, body) = t
        .branch
        .post(&path, json!({ "new_id_number": "123", "new_name": "" }))
        .await;
    let f = faults(&body);
    assert!(
        f.contains(&("id_number_invalid".into(), "new_id_number".into())),
        "{f:?}"
    );
    assert!(
        f.contains(&("required_missing".into(), "reason".into())),
        "{f:?}"
    );
    let (_, body) = t
        .branch
        .post(
            &path,
            json!({ "new_id_number": youth(2), "reason": "号码录错" }),
        )
        .await;
    assert_eq!(
        faults(&body),
        [("already_registered".into(), "new_id_number".into())]
    );

    // Filed: it waits in the province's inbox, not the city's.
    let (status, c) = t
        .branch
        .post(
            &path,
            json!({ "new_name": "张壹", "new_id_number": youth(7), "reason": "以户口簿为准" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["status"], "pending");
    assert_eq!(c["approver_org_id"], t.w.province.id);
    let cid = c["id"].as_i64().unwrap();
    let (_, inbox) = t.province.get("/api/v1/inbox").await;
    assert!(
        inbox.to_string().contains(&format!("/corrections/{cid}")),
        "{inbox}"
    );
    let (_, inbox) = t.city.get("/api/v1/inbox").await;
    assert!(!inbox.to_string().contains(&format!("/corrections/{cid}")));
    // A second request while one waits is refused.
    let (status, body) = t
        .branch
        .post(&path, json!({ "new_name": "张1", "reason": "x" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "correction_pending");
    // Only the province decides; the requester cannot approve its own request.
    let (status, _) = t
        .branch
        .post(&format!("/api/v1/corrections/{cid}/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t
        .city
        .post(&format!("/api/v1/corrections/{cid}/approve"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the city sees the member but does not decide"
    );
    // Returning needs a comment.
    let (status, body) = t
        .province
        .post(
            &format!("/api/v1/corrections/{cid}/return"),
            json!({ "comment": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        [("required_missing".into(), "comment".into())]
    );

    // Approved: name and ID change at once, in one transaction with its audit record.
    let (status, body) = t
        .province
        .post(&format!("/api/v1/corrections/{cid}/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "approved");
    let (name, idn, _) = person_row(&app, id).await;
    assert_eq!((name.as_str(), idn.as_str()), ("张壹", youth(7).as_str()));
    assert_eq!(app.audit_count("correction.approve").await, 1);
    let (status, _) = t
        .province
        .post(&format!("/api/v1/corrections/{cid}/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");

    // Returned with a comment; then a new one withdrawn by its requester.
    let (_, c2) = t
        .branch
        .post(&path, json!({ "new_name": "张一", "reason": "改回" }))
        .await;
    let c2 = c2["id"].as_i64().unwrap();
    let (status, body) = t
        .province
        .post(
            &format!("/api/v1/corrections/{c2}/return"),
            json!({ "comment": "请附户口簿" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "returned");
    assert_eq!(body["comment"], "请附户口簿");
    assert_eq!(person_row(&app, id).await.0, "张壹", "returned: unchanged");
    let (_, c3) = t
        .branch
        .post(
            &path,
            json!({ "new_name": "张一", "reason": "改回，附户口簿" }),
        )
        .await;
    let c3 = c3["id"].as_i64().unwrap();
    let (status, _) = t
        .school
        .post(&format!("/api/v1/corrections/{c3}/withdraw"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the requester withdraws"
    );
    let (status, body) = t
        .branch
        .post(&format!("/api/v1/corrections/{c3}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");

    // An ID taken between the request and the decision is refused at approval.
    let (_, c4) = t
        .branch
        .post(
            &format!("/api/v1/members/{someone}/corrections"),
            json!({ "new_id_number": youth(8), "reason": "号码录错" }),
        )
        .await;
    let c4 = c4["id"].as_i64().unwrap();
    add(&t.branch, &t.w.branch, member_json(8, "张八")).await;
    let (status, body) = t
        .province
        .post(&format!("/api/v1/corrections/{c4}/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "already_registered");
    assert_eq!(person_row(&app, someone).await.1, youth(2), "unchanged");
    let (_, body) = t.province.get(&format!("/api/v1/corrections/{c4}")).await;
    assert_eq!(body["status"], "pending");
}

async fn openapi_documents_the_routes(app: crate::support::TestApp) {
    let (status, doc) = app.api().get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    for p in [
        "/api/v1/orgs/{id}/members",
        "/api/v1/orgs/{id}/cadres",
        "/api/v1/members/{id}",
        "/api/v1/members/{id}/corrections",
        "/api/v1/corrections/{id}",
        "/api/v1/corrections/{id}/approve",
        "/api/v1/corrections/{id}/return",
        "/api/v1/corrections/{id}/withdraw",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} documented");
    }
    assert!(doc["components"]["schemas"].get("FaultsBody").is_some());
}
