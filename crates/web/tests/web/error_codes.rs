//! Error codes no other area's tests provoke, each provoked over HTTP and checked on the wire
//! (code and status), grouped by area. `crates/app/tests/error_codes.rs` checks that every code
//! of the one table is met by some test.

use chrono::{Datelike, Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::IdNumber;

use crate::support::admin::{PW, page_as, page_as_with, person};
use crate::support::import::{
    ADMIN_PASSWORD, BRANCH1, check, commit, member_row, members_file, post_json, setup,
};
use crate::support::{TestApp, csrf_of};

/// The code an error page carries (`data-code` of its message).
fn page_code(html: &str) -> String {
    let at = html.find("data-code=\"").expect("an error page") + "data-code=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

mod requests_and_roles {
    use super::*;

    both_databases!(
        bodies_of_the_wrong_type_or_form,
        signing_in_and_switching_roles,
    );

    async fn bodies_of_the_wrong_type_or_form(app: TestApp) {
        // The API takes JSON only.
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/login"))
            .header("content-type", "text/plain")
            .body("id_number=1")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unsupported_content_type");

        // A page form without its token, then with it but lacking fields.
        let w = app.guangzhou().await;
        let p = person(&app, 801, "王表单").await;
        app.make_admin(&w.school, &p).await;
        let c = page_as(&app, p.id_number.as_str(), "admin", w.school.id).await;
        let res = c
            .post(app.url("/role"))
            .form(&[("csrf", "not-the-token"), ("kind", "admin")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(page_code(&res.text().await.unwrap()), "csrf_failed");
        let home = c
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&home);
        let res = c
            .post(app.url("/role"))
            .form(&[("csrf", csrf.as_str()), ("kind", "admin")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(page_code(&res.text().await.unwrap()), "form_invalid");
    }

    async fn signing_in_and_switching_roles(app: TestApp) {
        let w = app.guangzhou().await;
        let p = person(&app, 802, "李身份").await;
        app.make_admin(&w.school, &p).await;
        let mut api = app.api();
        let (s, body) = api
            .post(
                "/api/v1/login",
                json!({ "id_number": p.id_number.as_str(), "password": "" }),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "password_invalid");

        api.login(p.id_number.as_str(), PW).await;
        let (s, body) = api
            .send(
                reqwest::Method::PUT,
                "/api/v1/role",
                json!({ "kind": "secretary", "org_id": w.school.id }),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "role_invalid");
        // Admin of the school, not of the branch below it.
        let (s, body) = api
            .send(
                reqwest::Method::PUT,
                "/api/v1/role",
                json!({ "kind": "admin", "org_id": w.branch.id }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "role_not_held");
    }
}

mod members {
    use super::*;
    use crate::support::admin::admin_of;

    both_databases!(a_cadre_list_by_an_unknown_post);

    async fn a_cadre_list_by_an_unknown_post(app: TestApp) {
        let w = app.guangzhou().await;
        let (_, api) = admin_of(&app, &w.school, 803, "赵团干").await;
        let (s, body) = api
            .get(&format!("/api/v1/orgs/{}/cadres?post=总经理", w.school.id))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "post_invalid");
    }
}

mod self_service {
    use super::*;
    use crate::support::ApiClient;
    use crate::support::admin::admin_of;
    use tuanjian_store::orgs::Org;

    const BRANCH_FULL: &str = "共青团广州市天河区第一中学高一1班支部";

    fn today() -> NaiveDate {
        (chrono::Utc::now() + Duration::hours(8)).date_naive()
    }

    /// A valid ID number of someone `years` old, different per `seq`.
    fn id_aged(years: i32, seq: u32) -> String {
        let t = today() - Duration::days(40);
        let birth = NaiveDate::from_ymd_opt(t.year() - years, t.month(), t.day().min(28)).unwrap();
        IdNumber::from_first17(&format!("440106{}{seq:03}", birth.format("%Y%m%d"))).to_string()
    }

    fn applicant_fields(province: &Org, id: &str, name: &str) -> Value {
        json!({
            "province_id": province.id,
            "org_full_name": BRANCH_FULL,
            "password": "Apply2024x",
            "id_number": id,
            "name": name,
            "ethnicity": "汉族",
            "phone": "13900139000",
            "work_unit": "广州市天河区第一中学",
        })
    }

    /// Submits; a client signed in as the applicant and the application's path.
    async fn submit(app: &TestApp, path: &str, body: Value) -> (ApiClient, String) {
        let (s, res) = app.api().post(path, body).await;
        assert_eq!(s, StatusCode::CREATED, "{res}");
        let mut c = app.api();
        c.token = Some(res["token"].as_str().unwrap().to_string());
        (
            c,
            format!("/api/v1/applications/{}", res["application"]["id"]),
        )
    }

    both_databases!(stages_of_a_join_application_only);

    async fn stages_of_a_join_application_only(app: TestApp) {
        let w = app.guangzhou().await;
        let (_, admin) = admin_of(&app, &w.branch, 804, "支部管理员").await;

        let (me, join) = submit(
            &app,
            "/api/v1/join",
            applicant_fields(&w.province, &id_aged(15, 41), "郑入团"),
        )
        .await;
        let (s, body) = admin
            .post(&format!("{join}/advance"), json!({ "to": "leader" }))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "stage_invalid");
        // Withdrawn by the applicant, it is closed to the admin.
        let (s, body) = me.post(&format!("{join}/withdraw"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = admin
            .post(&format!("{join}/advance"), json!({ "to": "activist" }))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "application_closed");

        // A registration has no stages.
        let mut reg = applicant_fields(&w.province, &id_aged(24, 42), "李注册");
        reg["political_status"] = json!("共青团员");
        reg["join_month"] = json!("2018-05");
        reg["dev_number"] = json!("201844000042");
        let (_, register) = submit(&app, "/api/v1/register/member", reg).await;
        let (s, body) = admin
            .post(&format!("{register}/advance"), json!({ "to": "activist" }))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "not_a_join_application");
    }
}

mod member_import {
    use super::*;
    use tuanjian_app::member_import::jobs;

    both_databases!(reports_and_commits_of_jobs_no_longer_open);

    /// Three members, the second without a name.
    fn with_a_fault(first: u32) -> Vec<u8> {
        let mut rows: Vec<Vec<String>> = (0..3).map(|i| member_row(first + i, BRANCH1)).collect();
        rows[1][0] = String::new();
        members_file(&rows)
    }

    async fn report(app: &TestApp, token: &str, org: i64, job: i64) -> (StatusCode, Value) {
        let res = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/orgs/{org}/import/jobs/{job}/report")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }

    async fn reports_and_commits_of_jobs_no_longer_open(app: TestApp) {
        let s = setup(&app).await;
        let school = s.w.school.id;

        // A report of an upload replaced by a newer one.
        let first = check(&app, &s, school, "members", &with_a_fault(810)).await;
        let first = first["job"]["id"].as_i64().unwrap();
        let second = check(&app, &s, school, "members", &with_a_fault(820)).await;
        let second = second["job"]["id"].as_i64().unwrap();
        let (status, body) = report(&app, &s.token, school, first).await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert_eq!(body["error"]["code"], "import_superseded");

        // A report whose file was dropped after 30 days.
        sqlx::query("UPDATE import_jobs SET updated_at = updated_at - 31 * 86400 WHERE id = $1")
            .bind(second)
            .execute(app.store.pool())
            .await
            .unwrap();
        jobs::recover(&app.store).await.unwrap();
        let (status, body) = report(&app, &s.token, school, second).await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert_eq!(body["error"]["code"], "import_file_purged");

        // A job committed once cannot be committed again.
        let rows: Vec<Vec<String>> = (0..2).map(|i| member_row(830 + i, BRANCH1)).collect();
        let clean = check(&app, &s, school, "members", &members_file(&rows)).await;
        let job = clean["job"]["id"].as_i64().unwrap();
        let done = commit(&app, &s, school, job, false).await;
        assert_eq!(done["job"]["state"], "committed", "{done}");
        let (status, body) = post_json(
            &app,
            &s,
            &format!("/api/v1/orgs/{school}/import/jobs/{job}/commit"),
            json!({ "valid_only": false }),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "import_not_ready");

        // Importing only the rows without faults must be confirmed on the page.
        let faulty = check(&app, &s, school, "members", &with_a_fault(840)).await;
        let job = faulty["job"]["id"].as_i64().unwrap();
        let c = page_as_with(&app, &s.admin_id, ADMIN_PASSWORD, "admin", school).await;
        let page_path = format!("/orgs/{school}/import/members/jobs/{job}");
        let html = c
            .get(app.url(&page_path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let res = c
            .post(app.url(&format!("{page_path}/commit")))
            .form(&[("csrf", csrf_of(&html).as_str()), ("valid_only", "1")])
            .send()
            .await
            .unwrap();
        // The page shows the message, not the code: the code's status and message identify it.
        let code = tuanjian_domain::ErrorCode::parse("confirm_required").unwrap();
        assert_eq!(res.status().as_u16(), code.status());
        let html = res.text().await.unwrap();
        assert!(html.contains("只导入无误的行需要明确确认"), "{html}");
    }
}

mod corrections {
    use super::*;
    use crate::support::members::{World, add, member_json, youth};

    both_databases!(who_decides_and_withdraws_a_correction);

    async fn who_decides_and_withdraws_a_correction(app: TestApp) {
        let t = World::new(&app).await;
        let id = add(&t.branch, &t.w.branch, member_json(31, "周一")).await;
        let (s, c) = t
            .branch
            .post(
                &format!("/api/v1/members/{id}/corrections"),
                json!({ "new_name": "周壹", "new_id_number": youth(32), "reason": "以户口簿为准" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let path = format!("/api/v1/corrections/{}", c["id"]);

        // The requesting branch does not decide; the school above it does not withdraw.
        let (s, body) = t.branch.post(&format!("{path}/approve"), json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "not_approver");
        let (s, body) = t.school.post(&format!("{path}/withdraw"), json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "not_requester");

        let (s, body) = t.province.post(&format!("{path}/approve"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = t.province.post(&format!("{path}/approve"), json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "correction_not_pending");
    }
}

mod cli {
    use super::*;
    use std::process::Command;

    /// `tuanjian import … --format json`: its exit code and last JSON line.
    fn import(file: &str, database_url: &str) -> (Option<i32>, Value) {
        let out = Command::new(env!("CARGO_BIN_EXE_tuanjian"))
            .args([
                "import",
                "--org",
                "团广州市委",
                "--template",
                "members",
                file,
            ])
            .args(["--format", "json", "--database-url", database_url])
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let last = stdout.lines().last().unwrap_or("null");
        (out.status.code(), serde_json::from_str(last).unwrap())
    }

    #[test]
    fn a_file_or_database_it_cannot_open() {
        let dir = std::env::temp_dir().join(format!(
            "tj-error-codes-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let (code, out) = import(
            dir.join("没有这个文件.xlsx").to_str().unwrap(),
            "sqlite::memory:",
        );
        assert_eq!(code, Some(2), "{out}");
        assert_eq!(out["summary"]["error"]["code"], "file_unreadable");

        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("members.xlsx");
        std::fs::write(&file, members_file(&[member_row(850, BRANCH1)])).unwrap();
        // A SQLite file in a folder that does not exist cannot be opened.
        let url = format!("sqlite://{}/no-such-folder/db.sqlite", dir.display());
        let (code, out) = import(file.to_str().unwrap(), &url);
        assert_eq!(code, Some(2), "{out}");
        assert_eq!(out["summary"]["error"]["code"], "database_unreachable");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

mod org_edit {
    use super::*;
    use crate::support::admin::{admin_of, grassroots};
    use reqwest::Method;
    use tuanjian_domain::OrgKind;

    both_databases!(a_change_the_organisation_no_longer_fits);

    async fn a_change_the_organisation_no_longer_fits(app: TestApp) {
        let w = app.guangzhou().await;
        let g = grassroots(&app, &w.county, OrgKind::Committee, "某公司团委").await;
        let (_, own) = admin_of(&app, &g, 861, "公司管理员").await;
        let (_, sup) = admin_of(&app, &w.county, 862, "区管理员").await;
        let info = format!("/api/v1/orgs/{}/info", g.id);
        // The own admin fills a blank field at once; a change of it waits for the superior.
        let (s, body) = own
            .send(Method::PUT, &info, json!({ "admin_staff_quota": 2 }))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = own
            .send(Method::PUT, &info, json!({ "admin_staff_quota": 3 }))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let change = body["pending_change_id"]
            .as_i64()
            .expect("a pending change");
        // Meanwhile the superior makes it a 团支部, whose form has no staffing.
        let (s, body) = sup
            .send(Method::PUT, &info, json!({ "kind": "团支部" }))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = sup
            .post(
                &format!("/api/v1/orgs/{}/changes/{change}/approve", g.id),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "change_invalid_now");
    }
}
