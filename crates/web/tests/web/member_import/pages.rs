//! The import pages without a browser, and the calls' OpenAPI entries.

use super::*;

both_databases!(the_pages, openapi_lists_the_calls,);

/// The page flow without a browser: upload with the form's CSRF token, the job page while it
/// runs and after, the explicit confirmation for valid rows only.
async fn the_pages(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let (c, _) = app.page_login(&s.admin_id, ADMIN_PASSWORD).await;
    let page_url = app.url(&format!("/orgs/{school}/import/members"));
    let html = c.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("id=\"template-link\"") && html.contains("不可混用"),
        "{html}"
    );
    let csrf = crate::support::csrf_of(&html);
    let res = c
        .get(app.url(&format!("/orgs/{school}/import/members/template.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );

    // Without the CSRF token the upload is refused.
    let (ct, body) = multipart("a.xlsx", &golden_faults_like(), None);
    let res = c
        .post(&page_url)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let (ct, body) = multipart("名单.xlsx", &golden_faults_like(), Some(&csrf));
    let res = c
        .post(&page_url)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let job_path = crate::support::location(&res);
    assert!(
        job_path.starts_with(&format!("/orgs/{school}/import/members/jobs/")),
        "{job_path}"
    );
    let job_id: i64 = job_path.rsplit('/').next().unwrap().parse().unwrap();
    let html = loop {
        let html = c
            .get(app.url(&job_path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if html.contains("data-state=\"running\"") {
            assert!(
                html.contains("http-equiv=\"refresh\""),
                "the page reloads while running"
            );
            assert!(html.contains("id=\"import-progress\""));
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        break html;
    };
    assert!(html.contains("data-state=\"validated\""), "{html}");
    assert!(!html.contains("http-equiv=\"refresh\""));
    assert!(html.contains("id=\"count-faulty\">1<"), "{html}");
    assert!(html.contains("data-code=\"required_missing\""));
    // The import page itself shows the latest job (after the browser closed and came back).
    let again = c.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(
        again.contains(&format!("/jobs/{job_id}/report.xlsx")),
        "{again}"
    );

    let commit_url = app.url(&format!("{job_path}/commit"));
    let res = c
        .post(&commit_url)
        .form(&[("csrf", csrf.as_str()), ("valid_only", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("明确确认"));
    let res = c
        .post(&commit_url)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        422,
        "all rows cannot be committed with a fault"
    );
    assert_eq!(count(&app, "members").await, 0);
    let res = c
        .post(&commit_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("valid_only", "1"),
            ("confirm", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let done = wait_job(&app, &s, school, job_id).await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    assert_eq!(count(&app, "members").await, 4);
    let html = c
        .get(app.url(&job_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"import-done\"") && html.contains("团员 4 名"),
        "{html}"
    );
    let report = c
        .get(app.url(&format!("{job_path}/report.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    // Only the row not imported: fixed and uploaded again, it imports without a duplicate.
    assert_eq!(
        values_of(Kind::Members, &report.bytes().await.unwrap()).len(),
        1
    );
}

async fn openapi_lists_the_calls(app: TestApp) {
    let (status, doc) = app.api().get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    for (path, method) in [
        ("/api/v1/orgs/{id}/import/{kind}/template", "get"),
        ("/api/v1/orgs/{id}/import/{kind}", "post"),
        ("/api/v1/orgs/{id}/import/jobs/{job}", "get"),
        ("/api/v1/orgs/{id}/import/jobs/{job}/commit", "post"),
        ("/api/v1/orgs/{id}/import/jobs/{job}/report", "get"),
        ("/api/v1/orgs/{id}/members/export", "get"),
        ("/api/v1/orgs/{id}/cadres/export", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
}
