//! Shared by the import tests: the organisations and admin they import as, rows and files as an
//! admin fills them, the golden files, uploads over the API and waiting for jobs.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;
use tuanjian_app::member_import::columns::{self, Context, Kind};
use tuanjian_domain::enums::{Education, Occupation};
use tuanjian_domain::{IdNumber, MemberField, OrgKind, OrgLevel};
use tuanjian_sheet::{Template, read_rows, write_filled};
use tuanjian_store::orgs::Org;

use super::{Guangzhou, TestApp};

pub const ADMIN_PASSWORD: &str = "School2024a";
pub const BRANCH1: &str = "共青团广州市天河区第一中学高一1班支部";
pub const BRANCH2: &str = "共青团广州市天河区第一中学高一2班支部";
pub const SCHOOL: &str = "共青团广州市天河区第一中学委员会";

/// The school committee with two branches, its admin signed in over the API.
pub struct Setup {
    pub w: Guangzhou,
    pub branch2: Org,
    pub admin_id: String,
    pub token: String,
}

pub fn adult(seq: u32) -> String {
    IdNumber::from_first17(&format!("44010619800101{seq:03}"))
        .as_str()
        .to_string()
}

/// A member's ID number: born 2003–2005, so 13 or older when joining in 2019; unique per `i`.
pub fn member_id(i: u32) -> String {
    let day = i / 900;
    let (y, d) = (2003 + day / 300, day % 300);
    let (m, dd) = (1 + d / 28, 1 + d % 28);
    IdNumber::from_first17(&format!("440106{y:04}{m:02}{dd:02}{:03}", i % 900 + 1))
        .as_str()
        .to_string()
}

pub async fn setup(app: &TestApp) -> Setup {
    let w = app.guangzhou().await;
    let branch2 = app
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一2班团支部",
            BRANCH2,
        )
        .await;
    let admin_id = adult(1);
    let admin = app
        .add_person(&admin_id, "校团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &admin).await;
    let mut api = app.api();
    let body = api.login(&admin_id, ADMIN_PASSWORD).await;
    let token = body["token"].as_str().unwrap().to_string();
    Setup {
        w,
        branch2,
        admin_id,
        token,
    }
}

/// The template as the test's organisations make it (the branch list is only a drop-down).
pub fn template(kind: Kind) -> Template {
    columns::template(
        kind,
        &Context {
            org_kind: OrgKind::Committee,
            branch_names: vec![BRANCH1.into(), BRANCH2.into()],
        },
    )
}

/// A row of `kind` from (field, value) pairs; other cells empty.
pub fn row(kind: Kind, cells: &[(MemberField, &str)]) -> Vec<String> {
    kind.fields()
        .iter()
        .map(|f| {
            cells
                .iter()
                .find(|(g, _)| g == f)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// A valid member row: joined 2019-05 with a development number, in `branch`.
pub fn member_row(i: u32, branch: &str) -> Vec<String> {
    use MemberField as F;
    let id = member_id(i);
    let dev = format!("2019{:08}", i + 1);
    row(
        Kind::Members,
        &[
            (F::Name, &format!("团员{i}")),
            (F::IdNumber, &id),
            (F::Ethnicity, "汉族"),
            (F::PoliticalStatus, "共青团员"),
            (F::JoinMonth, "2019-05"),
            (F::DevNumber, &dev),
            (F::Branch, branch),
            (F::PartyApplied, "否"),
        ],
    )
}

pub fn members_file(rows: &[Vec<String>]) -> Vec<u8> {
    write_filled(&template(Kind::Members), rows).unwrap()
}

/// The data rows of a file as the reader sees them.
pub fn values_of(kind: Kind, bytes: &[u8]) -> Vec<Vec<String>> {
    read_rows(&template(kind), bytes, "x.xlsx")
        .unwrap()
        .into_iter()
        .map(|r| r.values)
        .collect()
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// A golden file from tests/data. `TUANJIAN_WRITE_GOLDEN=1` writes it from `make` first (after
/// a deliberate change of the templates; commit the result).
pub fn golden(name: &str, make: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    let path = data_dir().join(name);
    if std::env::var_os("TUANJIAN_WRITE_GOLDEN").is_some() {
        std::fs::write(&path, make()).unwrap();
    }
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The four valid members of the round trip: every kind of field, a cadre among them.
pub fn golden_members() -> Vec<u8> {
    golden("import_members.xlsx", || {
        use MemberField as F;
        let mut rows = vec![
            row(
                Kind::Members,
                &[
                    (F::Name, "李红"),
                    (F::IdNumber, &member_id(1)),
                    (F::Ethnicity, "汉族"),
                    (F::PoliticalStatus, "共青团员"),
                    (F::JoinMonth, "2019-05"),
                    (F::DevNumber, "201900000001"),
                    (F::Branch, BRANCH1),
                    (F::Phone, "13800138000"),
                    (F::Email, "lihong@example.com"),
                    (F::Qq, "12345678"),
                    (F::Wechat, "lihong_2005"),
                    (F::FullTimeEducation, Education::labels()[3]),
                    (F::HighestEducation, Education::labels()[3]),
                    (F::Occupation, Occupation::labels()[0]),
                    (F::WorkUnit, "广州市天河区第一中学"),
                    (F::HouseholdPlace, "广东省广州市"),
                    (F::JoinUnit, "广州市天河区第一中学"),
                    (F::PartyApplied, "是"),
                    (F::PartyAppliedMonth, "2023-09"),
                    (F::Income, "无"),
                    (F::CardNumber, "T2019001"),
                    (F::Post, "书记"),
                    (F::PostSince, "2024-09"),
                    (F::CadreNature, "兼职"),
                    (F::PartyCommittee, "否"),
                ],
            ),
            member_row(2, BRANCH1),
            member_row(3, BRANCH2),
        ];
        rows.push(row(
            Kind::Members,
            &[
                (F::Name, "王强"),
                (
                    F::IdNumber,
                    &IdNumber::from_first17("44010619980704001").to_string(),
                ),
                (F::Ethnicity, "回族"),
                (F::PoliticalStatus, "中共党员"),
                (F::JoinMonth, "2012-05"),
                (F::Branch, BRANCH2),
                (F::PartyApplied, "是"),
                (F::PartyAppliedMonth, "2016-10"),
                (F::PartyJoinMonth, "2018-06"),
            ],
        ));
        members_file(&rows)
    })
}

/// Two cadres of the school committee.
pub fn golden_cadres() -> Vec<u8> {
    golden("import_cadres.xlsx", || {
        use MemberField as F;
        let rows = vec![
            row(
                Kind::Cadres,
                &[
                    (F::Name, "赵书记"),
                    (F::IdNumber, &adult(11)),
                    (F::Ethnicity, "汉族"),
                    (F::PoliticalStatus, "中共党员"),
                    (F::Phone, "13900139000"),
                    (F::Post, "书记"),
                    (F::PostSince, "2022-09"),
                    (F::CadreNature, "专职"),
                    (F::PartyCommittee, "是"),
                ],
            ),
            row(
                Kind::Cadres,
                &[
                    (F::Name, "钱副书记"),
                    (F::IdNumber, &adult(12)),
                    (F::Ethnicity, "壮族"),
                    (F::PoliticalStatus, "共青团员"),
                    (F::Post, "副书记"),
                    (F::CadreNature, "兼职"),
                    (F::PartyCommittee, "否"),
                ],
            ),
        ];
        write_filled(&template(Kind::Cadres), &rows).unwrap()
    })
}

/// A multipart body with one file (and the page's CSRF field when given).
pub fn multipart(file_name: &str, bytes: &[u8], csrf: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "----tuanjian-test-boundary-7d93";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads over the API; (status, body).
pub async fn upload(
    app: &TestApp,
    s: &Setup,
    org: i64,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
) -> (reqwest::StatusCode, Value) {
    let (ct, body) = multipart(file_name, bytes, None);
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/orgs/{org}/import/{kind}")))
        .bearer_auth(&s.token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub async fn get_json(app: &TestApp, s: &Setup, path: &str) -> (reqwest::StatusCode, Value) {
    let res = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(&s.token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub async fn get_bytes(app: &TestApp, s: &Setup, path: &str) -> (reqwest::StatusCode, Vec<u8>) {
    let res = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(&s.token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.bytes().await.unwrap().to_vec())
}

pub async fn post_json(
    app: &TestApp,
    s: &Setup,
    path: &str,
    body: Value,
) -> (reqwest::StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(&s.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Polls a job until it is no longer running; its detail (job and faults).
pub async fn wait_job(app: &TestApp, s: &Setup, org: i64, job: i64) -> Value {
    let started = Instant::now();
    loop {
        let (status, body) =
            get_json(app, s, &format!("/api/v1/orgs/{org}/import/jobs/{job}")).await;
        assert_eq!(status, 200, "{body}");
        if body["job"]["state"] != "running" {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "job {job} still running: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Uploads and waits for the check; the job detail.
pub async fn check(app: &TestApp, s: &Setup, org: i64, kind: &str, bytes: &[u8]) -> Value {
    let (status, body) = upload(app, s, org, kind, "表格.xlsx", bytes).await;
    assert_eq!(status, 202, "{body}");
    wait_job(app, s, org, body["job"]["id"].as_i64().unwrap()).await
}

/// Commits a checked job and waits for it.
pub async fn commit(app: &TestApp, s: &Setup, org: i64, job: i64, valid_only: bool) -> Value {
    let (status, body) = post_json(
        app,
        s,
        &format!("/api/v1/orgs/{org}/import/jobs/{job}/commit"),
        serde_json::json!({ "valid_only": valid_only }),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    wait_job(app, s, org, job).await
}

/// Uploads a file that has no faults, commits all of it and waits; the job detail.
pub async fn check_and_commit(
    app: &TestApp,
    s: &Setup,
    org: i64,
    kind: &str,
    bytes: &[u8],
) -> Value {
    let checked = check(app, s, org, kind, bytes).await;
    assert_eq!(checked["job"]["faulty_rows"], 0, "{checked}");
    commit(app, s, org, checked["job"]["id"].as_i64().unwrap(), false).await
}

pub async fn count(app: &TestApp, table: &'static str) -> i64 {
    let sql = match table {
        "members" => "SELECT COUNT(*) FROM members",
        "people" => "SELECT COUNT(*) FROM people",
        "cadre_posts" => "SELECT COUNT(*) FROM cadre_posts",
        "name_chars_deferred" => "SELECT COUNT(*) FROM name_chars_deferred",
        "name_chars_pending" => "SELECT COUNT(*) FROM name_chars_pending",
        _ => panic!("unknown table {table}"),
    };
    sqlx::query_scalar(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Fault codes of a job detail, in order.
pub fn codes(detail: &Value) -> Vec<String> {
    detail["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}
