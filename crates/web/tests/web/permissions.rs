//! The permission matrix over the API: every organisation action × the actor's relation to the
//! target (itself, direct child, deeper descendant, parent, sibling, another province, none) ×
//! role (admin, cadre, member, anonymous). Allowed requests reach the action's own rules;
//! refused ones answer with the permission's code and change nothing.
//! Decisions on pending requests are covered relation by relation in `org_edit::changes` and
//! `org_admin::moves`, which create the requests they decide; the 团籍 actions on one member
//! (decide, approve, restore: `Action::DecideLeaving`, `ApproveLeaving`) in `leaving::decisions`
//! and `leaving::standing`, which need members in the branches they act on; the 团员电子档案
//! actions on one member (`UploadArchive`, `ApproveArchive`, `CheckIdentityOffline`, the
//! download) relation by relation in `archives::{flows,download,identity}` likewise.

use crate::support::{ApiClient, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::orgs::Org;

both_databases!(permission_matrix);

const ADMIN_ID: &str = "440106199001011235";
const CADRE_ID: &str = "440106199202021237";
const MEMBER_ID: &str = "440106200803031233";
const OUTSIDER_ID: &str = "440106199504041233";
const PASSWORD: &str = "Matrix2024";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Itself,
    DirectChild,
    Descendant,
    Parent,
    Sibling,
    OtherProvince,
    Unrelated,
}

const RELS: [Rel; 7] = [
    Rel::Itself,
    Rel::DirectChild,
    Rel::Descendant,
    Rel::Parent,
    Rel::Sibling,
    Rel::OtherProvince,
    Rel::Unrelated,
];

#[derive(Debug, Clone, Copy)]
enum Act {
    View,
    ViewHistory,
    Completion,
    CreateChild,
    RegistrationCode,
    ChangeInfo,
    ManageAdmins,
    ApplyMigration,
    Delete,
    SetSchoolCode,
    TransferOut,
    TransferIn,
    /// 团籍: the 超龄 list of the target's subtree.
    AgedOutList,
    /// 团籍: 办理离团 of the target's members (its own admin; a committee is not a branch).
    LeaveAgedOut,
    /// 入团年龄特殊情况: file a case of the target branch (any admin at or above it).
    FileAgeCase,
}

const ACTS: [Act; 15] = [
    Act::View,
    Act::ViewHistory,
    Act::Completion,
    Act::CreateChild,
    Act::RegistrationCode,
    Act::ChangeInfo,
    Act::ManageAdmins,
    Act::ApplyMigration,
    Act::Delete,
    Act::SetSchoolCode,
    Act::TransferOut,
    Act::TransferIn,
    Act::AgedOutList,
    Act::LeaveAgedOut,
    Act::FileAgeCase,
];

/// For an admin of the actor organisation (a county committee): the relations where the
/// permission rules let the request through to the action's own rules.
fn admin_allowed(act: Act) -> &'static [Rel] {
    use Rel::*;
    match act {
        Act::View | Act::ViewHistory | Act::Completion | Act::AgedOutList => {
            &[Itself, DirectChild, Descendant]
        }
        // Allowed for itself only, where the leaving rules refuse a committee (not_a_branch).
        Act::CreateChild | Act::ApplyMigration | Act::LeaveAgedOut => &[Itself],
        Act::RegistrationCode | Act::Delete => &[DirectChild],
        // Own admin asks, the direct superior edits: both reach validation.
        Act::ChangeInfo => &[Itself, DirectChild],
        Act::ManageAdmins => &[Itself, DirectChild],
        // A county committee is a leading body, never a school: refused even for itself.
        Act::SetSchoolCode => &[],
        // 办理转出 / 办理转入: the organisation and everything below it.
        Act::TransferOut | Act::TransferIn => &[Itself, DirectChild, Descendant],
        // Any admin at or above the branch; on a committee the case rules refuse (not_a_branch).
        Act::FileAgeCase => &[Itself, DirectChild, Descendant],
    }
}

fn request(
    act: Act,
    target: &Org,
    taken_full_name: &str,
    member_id: i64,
) -> (Method, String, Value) {
    let id = target.id;
    match act {
        Act::View => (Method::GET, format!("/api/v1/orgs/{id}"), Value::Null),
        Act::ViewHistory => (
            Method::GET,
            format!("/api/v1/orgs/{id}/history"),
            Value::Null,
        ),
        Act::Completion => (
            Method::GET,
            format!("/api/v1/orgs/{id}/completion"),
            Value::Null,
        ),
        // A taken full name: if allowed, the creation rules refuse it and nothing is made.
        Act::CreateChild => (
            Method::POST,
            format!("/api/v1/orgs/{id}/children"),
            json!({"short_name": "矩阵支部", "full_name": taken_full_name, "kind": "团支部", "level": "grassroots"}),
        ),
        Act::RegistrationCode => (
            Method::POST,
            format!("/api/v1/orgs/{id}/code/regenerate"),
            json!({}),
        ),
        // An invalid e-mail: if allowed, validation refuses it and nothing is written.
        Act::ChangeInfo => (
            Method::PUT,
            format!("/api/v1/orgs/{id}/info"),
            json!({"email": "not-an-email"}),
        ),
        // Not a cadre there: if allowed, the admin rules refuse it.
        Act::ManageAdmins => (
            Method::POST,
            format!("/api/v1/orgs/{id}/admins"),
            json!({"id_number": OUTSIDER_ID}),
        ),
        // Its current parent: if allowed, the migration rules refuse it.
        Act::ApplyMigration => (
            Method::POST,
            format!("/api/v1/orgs/{id}/move"),
            json!({"to_parent_id": target.parent_id.unwrap_or(id)}),
        ),
        // The direct child has a child of its own: if allowed, deletion is refused.
        Act::Delete => (Method::DELETE, format!("/api/v1/orgs/{id}"), Value::Null),
        // Nobody ticked: if allowed, the transfer rules refuse it and nothing is started.
        Act::TransferOut => (
            Method::POST,
            format!("/api/v1/orgs/{id}/transfers/out"),
            json!({"person_ids": [], "reason": "升学", "detail": "矩阵", "to_org_id": id}),
        ),
        // Nobody of that name and number: if allowed, the transfer rules refuse it.
        Act::TransferIn => (
            Method::POST,
            format!("/api/v1/orgs/{id}/transfers/in"),
            json!({"name": "无此人", "id_number": OUTSIDER_ID, "reason": "升学", "detail": "矩阵"}),
        ),
        Act::SetSchoolCode => (
            Method::PUT,
            format!("/api/v1/orgs/{id}/school-code"),
            json!({"school_code": "4401010001"}),
        ),
        Act::AgedOutList => (
            Method::GET,
            format!("/api/v1/orgs/{id}/aged-out"),
            Value::Null,
        ),
        // A bad phone: if allowed on the branch, the case's checks refuse it (nothing filed).
        Act::FileAgeCase => (
            Method::POST,
            format!("/api/v1/orgs/{id}/age-cases"),
            json!({"name": "矩阵", "id_number": OUTSIDER_ID, "phone": "1", "join_month": "2023-05", "statement": "矩阵"}),
        ),
        // The member is 18: if allowed on the branch, the age rule refuses it.
        Act::LeaveAgedOut => (
            Method::POST,
            format!("/api/v1/orgs/{id}/aged-out/leave"),
            json!({"person_ids": [member_id], "date": "2024-01-01"}),
        ),
    }
}

/// What must not change when a request is refused.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM orgs",
        "SELECT COUNT(*) FROM org_admins",
        "SELECT COUNT(*) FROM reg_codes",
        "SELECT COUNT(*) FROM org_changes",
        "SELECT COUNT(*) FROM org_moves",
        "SELECT COUNT(*) FROM people",
        "SELECT COUNT(*) FROM transfers",
        "SELECT COUNT(*) FROM membership_changes",
        "SELECT COUNT(*) FROM members WHERE status = 'normal'",
        "SELECT COUNT(*) FROM age_cases",
    ] {
        out.push(
            sqlx::query_scalar(sql)
                .fetch_one(app.store.pool())
                .await
                .unwrap(),
        );
    }
    out
}

async fn send(api: &ApiClient, method: Method, path: &str, body: &Value) -> (StatusCode, Value) {
    if body.is_null() {
        if method == Method::GET {
            return api.get(path).await;
        }
        return api.send(method, path, json!({})).await;
    }
    api.send(method, path, body.clone()).await
}

async fn signed_in(app: &TestApp, id: &str, kind: &str, org: &Org) -> ApiClient {
    let mut api = app.api();
    api.login(id, PASSWORD).await;
    let (status, body) = api
        .send(
            Method::PUT,
            "/api/v1/role",
            json!({"kind": kind, "org_id": org.id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    api
}

async fn permission_matrix(app: TestApp) {
    let crate::support::Guangzhou {
        province: gd,
        city,
        county,
        sibling,
        school,
        branch,
    } = app.guangzhou().await;
    let hn = app.province("团湖南省委").await;
    let other_city = app
        .add_org(
            &gd,
            OrgLevel::Municipal,
            OrgKind::Committee,
            "团深圳市委",
            "共青团深圳市委员会",
        )
        .await;
    let unrelated = app
        .add_org(
            &other_city,
            OrgLevel::County,
            OrgKind::Committee,
            "团福田区委",
            "共青团深圳市福田区委员会",
        )
        .await;
    let other_province = app
        .add_org(
            &hn,
            OrgLevel::Municipal,
            OrgKind::Committee,
            "团长沙市委",
            "共青团长沙市委员会",
        )
        .await;
    let target = |rel: Rel| -> &Org {
        match rel {
            Rel::Itself => &county,
            Rel::DirectChild => &school,
            Rel::Descendant => &branch,
            Rel::Parent => &city,
            Rel::Sibling => &sibling,
            Rel::OtherProvince => &other_province,
            Rel::Unrelated => &unrelated,
        }
    };

    let admin = app.add_person(ADMIN_ID, "区管理员", Some(PASSWORD)).await;
    app.make_admin(&county, &admin).await;
    let cadre = app.add_person(CADRE_ID, "区团干部", Some(PASSWORD)).await;
    app.make_cadre(&county, &cadre, "副书记").await;
    let member = app.add_person(MEMBER_ID, "团员", Some(PASSWORD)).await;
    app.make_member(&branch, &member).await;
    app.add_person(OUTSIDER_ID, "局外人", Some(PASSWORD)).await;

    let roles = [
        ("admin", signed_in(&app, ADMIN_ID, "admin", &county).await),
        ("cadre", signed_in(&app, CADRE_ID, "cadre", &county).await),
        (
            "member",
            signed_in(&app, MEMBER_ID, "member", &branch).await,
        ),
        ("anonymous", app.api()),
    ];

    let mut checked = 0;
    for (role, api) in &roles {
        for act in ACTS {
            for rel in RELS {
                let t = target(rel);
                let (method, path, body) = request(act, t, &city.full_name, member.id);
                let before = snapshot(&app).await;
                let (status, answer) = send(api, method.clone(), &path, &body).await;
                let code = answer["error"]["code"].as_str().unwrap_or("");
                let case =
                    format!("{role} {act:?} on {rel:?} ({method} {path}): {status} {answer}");
                // The member's own organisation is the branch: its "itself" is the Descendant target.
                let allowed = match *role {
                    "admin" => admin_allowed(act).contains(&rel),
                    "member" => matches!(act, Act::View) && rel == Rel::Descendant,
                    "cadre" => matches!(act, Act::View) && rel == Rel::Itself,
                    _ => false,
                };
                if allowed {
                    assert!(
                        !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                            && !matches!(code, "not_found" | "out_of_scope" | "admin_required"),
                        "should pass the permission rules: {case}"
                    );
                } else {
                    match *role {
                        "anonymous" => {
                            assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}");
                            assert_eq!(code, "unauthenticated", "{case}");
                        }
                        _ => {
                            assert!(
                                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                                "refused: {case}"
                            );
                            assert!(
                                !answer["error"]["message"].as_str().unwrap_or("").is_empty(),
                                "{case}"
                            );
                            if status == StatusCode::NOT_FOUND {
                                assert_eq!(code, "not_found", "{case}");
                            }
                        }
                    }
                    assert_eq!(
                        snapshot(&app).await,
                        before,
                        "a refused request changed something: {case}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * ACTS.len() * RELS.len());
}
