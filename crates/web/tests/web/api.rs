//! The OpenAPI document (/api/v1/openapi.json) tells the truth: parameters where the server
//! reads them, every fault an operation's shape can produce declared with the error body, sign-in
//! declared as the server enforces it, and query schemas that accept what the server accepts.
//! The structural checks need no database; the HTTP ones run on SQLite and PostgreSQL.

use std::collections::BTreeSet;

use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_web::api::SIGNED_IN_ANY_STATE;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn document() -> Value {
    serde_json::to_value(tuanjian_web::api::document()).unwrap()
}

/// (method, path template, operation) of every operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m.to_string(), path.clone(), op.clone()));
            }
        }
    }
    assert!(
        out.len() > 50,
        "the document lists {} operations",
        out.len()
    );
    out
}

fn params_in<'a>(op: &'a Value, place: &str) -> Vec<&'a str> {
    op["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["in"] == place)
                .map(|p| p["name"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn template_names(path: &str) -> BTreeSet<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

fn is_public(op: &Value) -> bool {
    op["security"].as_array().is_some_and(|s| {
        s.iter()
            .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
    })
}

fn declared(op: &Value) -> BTreeSet<String> {
    op["responses"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// The schema a query parameter of `op` is declared with.
fn query_schema<'a>(doc: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
        .get("schema")
        .unwrap()
}

#[test]
fn path_parameters_are_the_templates_names_and_nothing_else() {
    let doc = document();
    for (m, path, op) in operations(&doc) {
        let in_path: BTreeSet<&str> = params_in(&op, "path").into_iter().collect();
        assert_eq!(
            in_path,
            template_names(&path),
            "{m} {path}: parameters declared `in: path` must be exactly the template's names"
        );
    }
    // The ones that were declared in the path (issue 10), now in the query.
    for (path, names) in [
        ("/api/v1/orgs/search", &["province_id", "q", "page"][..]),
        ("/api/v1/orgs/{id}/children", &["page", "per_page"]),
        ("/api/v1/orgs/{id}/completion", &["page", "per_page"]),
        (
            "/api/v1/orgs/{id}/history",
            &["page", "audit_page", "per_page"],
        ),
        (
            "/api/v1/orgs/{id}/members/export",
            &["name", "id_number", "join_year", "status", "faulty", "sort"],
        ),
    ] {
        let q = params_in(&doc["paths"][path]["get"], "query");
        for n in names {
            assert!(q.contains(n), "GET {path}: {n} must be a query parameter");
        }
    }
}

#[test]
fn every_operation_declares_the_faults_of_its_shape_with_the_error_body() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["ErrorBody"]["required"], json!(["error"]));
    assert_eq!(schemas["Fault"]["required"], json!(["code", "message"]));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"],
        json!({"type": "http", "scheme": "bearer"})
    );
    for (m, path, op) in operations(&doc) {
        let statuses = declared(&op);
        let mut want = vec!["503"];
        if !is_public(&op) {
            want.push("401");
            if !SIGNED_IN_ANY_STATE.contains(&path.as_str()) {
                want.push("403");
            }
        }
        if !params_in(&op, "path").is_empty() {
            want.push("404");
        }
        if !params_in(&op, "query").is_empty() {
            want.push("400");
        }
        if op.get("requestBody").is_some() {
            want.extend(["400", "413", "415"]);
        }
        for s in want {
            assert!(statuses.contains(s), "{m} {path} does not declare {s}");
        }
        // Every fault answers with a JSON body whose schema has the `error` object.
        for (status, res) in op["responses"].as_object().unwrap() {
            if status.starts_with('2') {
                continue;
            }
            let schema = &res["content"]["application/json"]["schema"];
            let name = schema["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .unwrap_or_else(|| panic!("{m} {path} {status}: no error body schema"));
            assert_eq!(
                schemas[name]["properties"]["error"]["$ref"], "#/components/schemas/Fault",
                "{m} {path} {status}: {name} is not an error body"
            );
        }
    }
    // Throttled operations say so.
    for path in [
        "/api/v1/login",
        "/api/v1/register/admin",
        "/api/v1/register/member",
        "/api/v1/join",
        "/api/v1/report",
        "/api/v1/reset-password",
    ] {
        assert!(
            declared(&doc["paths"][path]["post"]).contains("429"),
            "{path}"
        );
    }
}

#[test]
fn query_schemas_accept_what_the_server_accepts() {
    let doc = document();
    // Forms send empty fields: every page number takes an integer or nothing.
    let page_like = [
        ("/api/v1/orgs/search", "page"),
        ("/api/v1/orgs/{id}/children", "page"),
        ("/api/v1/orgs/{id}/children", "per_page"),
        ("/api/v1/orgs/{id}/completion", "page"),
        ("/api/v1/orgs/{id}/history", "audit_page"),
        ("/api/v1/orgs/{id}/applications", "page"),
        ("/api/v1/orgs/{id}/members", "page"),
        ("/api/v1/orgs/{id}/cadres", "per_page"),
    ];
    for (path, name) in page_like {
        let s = query_schema(&doc, path, "get", name);
        let kinds: Vec<&Value> = s["oneOf"].as_array().unwrap().iter().collect();
        assert!(
            kinds.iter().any(|k| k["type"] == "integer"),
            "{path} {name}: {s}"
        );
        assert!(
            kinds
                .iter()
                .any(|k| k["type"] == "string" && k["maxLength"] == 0),
            "{path} {name} must accept an empty value: {s}"
        );
    }
    let enum_of = |path: &str, name: &str| -> Vec<String> {
        query_schema(&doc, path, "get", name)["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} {name} lists its values"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let app_status = enum_of("/api/v1/orgs/{id}/applications", "status");
    for v in ["", "pending", "returned", "approved", "withdrawn"] {
        assert!(app_status.contains(&v.to_string()), "{v}: {app_status:?}");
    }
    let member_status = enum_of("/api/v1/orgs/{id}/members", "status");
    for v in ["", "normal", "正常", "aged_out_pending", "超龄离团"] {
        assert!(member_status.contains(&v.to_string()), "{v}");
    }
    let sort = enum_of("/api/v1/orgs/{id}/members", "sort");
    assert_eq!(sort, ["", "org", "name", "join_desc", "join_asc"]);
}

both_databases!(
    sign_in_is_declared_as_enforced,
    empty_page_and_every_listed_status_are_accepted,
    import_under_a_parent_that_takes_none_is_a_declared_conflict,
);

/// A concrete URL for a template: ids of `org`, the members import kind.
fn concrete(path: &str, org: i64) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{kind}" => "members".to_string(),
            s if s.starts_with('{') => org.to_string(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn call(app: &TestApp, token: Option<&str>, method: &str, path: &str) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let has_body = method != Method::GET && method != Method::DELETE;
    let mut req = reqwest::Client::new().request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if has_body {
        req = req.json(&json!({}));
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Without a token every signed-in operation answers 401 and no public one does; with an
/// account still on its initial password every signed-in operation but the few that serve it
/// answers 403. Whatever the answer, its status is one the document declares.
async fn sign_in_is_declared_as_enforced(app: TestApp) {
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc, document(), "the server serves the document");
    let person = app.add_person("440524188001010014", "李四", None).await;
    let branch = app
        .add_org(
            &app.province("团广东省委").await,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "一班团支部",
            "测试学校一班团支部",
        )
        .await;
    app.make_admin(&branch, &person).await;
    let mut api = app.api();
    let login = api.login("440524188001010014", "01010014").await;
    assert_eq!(login["must_change_password"], true);
    let token = api.token.clone().unwrap();

    let mut ops = operations(&doc);
    // Logging out ends the session the rest of the test uses.
    ops.sort_by_key(|(_, path, _)| path == "/api/v1/logout");
    for (m, path, op) in ops {
        let url = concrete(&path, branch.id);
        let statuses = declared(&op);
        let (anon, body) = call(&app, None, &m, &url).await;
        assert!(
            statuses.contains(anon.as_str()),
            "{m} {url} without a token: {anon} is not declared"
        );
        if is_public(&op) {
            assert_ne!(
                anon,
                StatusCode::UNAUTHORIZED,
                "{m} {url} is public: {body}"
            );
            continue;
        }
        assert_eq!(anon, StatusCode::UNAUTHORIZED, "{m} {url}: {body}");
        assert_eq!(body["error"]["code"], "unauthenticated");
        let (initial, body) = call(&app, Some(&token), &m, &url).await;
        assert!(
            statuses.contains(initial.as_str()),
            "{m} {url} on the initial password: {initial} is not declared ({body})"
        );
        if SIGNED_IN_ANY_STATE.contains(&path.as_str()) {
            assert_ne!(initial, StatusCode::FORBIDDEN, "{m} {url}: {body}");
        } else {
            assert_eq!(initial, StatusCode::FORBIDDEN, "{m} {url}: {body}");
            assert_eq!(body["error"]["code"], "password_change_required");
        }
    }
}

/// `page=` is the first page wherever a page number is read, and each status the document
/// lists for the applications filter is accepted.
async fn empty_page_and_every_listed_status_are_accepted(app: TestApp) {
    let mut api = app.api();
    api.login(
        crate::support::ROOT_ADMIN_ID,
        crate::support::ROOT_ADMIN_PASSWORD,
    )
    .await;
    let root = app.root.id;
    for path in [
        format!("/api/v1/orgs/{root}/children?page=&per_page="),
        format!("/api/v1/orgs/{root}/completion?page=&per_page="),
        format!("/api/v1/orgs/{root}/history?page=&audit_page=&per_page="),
        format!("/api/v1/orgs/{root}/members?page=&per_page=&status=&sort="),
        format!("/api/v1/orgs/{root}/cadres?page=&per_page="),
        format!("/api/v1/orgs/{root}/applications?page=&status="),
        "/api/v1/orgs/search?q=&page=&province_id=".to_string(),
    ] {
        let (status, body) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let (_, first) = api.get(&format!("/api/v1/orgs/{root}/children")).await;
    let (_, empty) = api
        .get(&format!("/api/v1/orgs/{root}/children?page=&per_page="))
        .await;
    assert_eq!(first, empty, "an empty page number is the first page");
    // A page number that is not a number is still refused, in Chinese.
    let (status, body) = api
        .get(&format!("/api/v1/orgs/{root}/children?page=abc"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "query_invalid");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不是整数")
    );

    let doc = document();
    let listed = query_schema(&doc, "/api/v1/orgs/{id}/applications", "get", "status")["enum"]
        .as_array()
        .unwrap()
        .clone();
    for s in listed {
        let s = s.as_str().unwrap();
        let path = format!("/api/v1/orgs/{root}/applications?status={s}");
        let (status, body) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let listed = query_schema(&doc, "/api/v1/orgs/{id}/members", "get", "status")["enum"]
        .as_array()
        .unwrap()
        .clone();
    for s in listed {
        let s = s.as_str().unwrap();
        let query = serde_urlencoded::to_string([("status", s)]).unwrap();
        let (status, body) = api
            .get(&format!("/api/v1/orgs/{root}/members?{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "status={s}: {body}");
    }
}

/// Found by the fuzzer: the children import checks the parent before the upload, and a parent
/// under which nothing may be created (the root) answers 409, which must be declared.
async fn import_under_a_parent_that_takes_none_is_a_declared_conflict(app: TestApp) {
    let mut api = app.api();
    api.login(
        crate::support::ROOT_ADMIN_ID,
        crate::support::ROOT_ADMIN_PASSWORD,
    )
    .await;
    let path = format!("/api/v1/orgs/{}/children/import", app.root.id);
    let res = reqwest::Client::new()
        .post(app.url(&path))
        .bearer_auth(api.token.as_deref().unwrap())
        .header("Content-Type", "multipart/form-data; boundary=b")
        .body("--b--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "org_kind_not_allowed");
    let doc = document();
    assert!(declared(&doc["paths"]["/api/v1/orgs/{id}/children/import"]["post"]).contains("409"));
}
