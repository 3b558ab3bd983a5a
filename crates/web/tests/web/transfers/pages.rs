//! The pages: the member's form (search, then submit), the lists with a page approved at once,
//! one request's page with its buttons; refusals shown on the form, nothing written.

use reqwest::StatusCode;

use super::{member, status_of};
use crate::support::TestApp;
use crate::support::admin::{get_html, page_as, post_form};
use crate::support::members::World;

both_databases!(member_form_then_lists_and_detail);

async fn member_form_then_lists_and_detail(app: TestApp) {
    let world = World::new(&app).await;
    let (p, _) = member(&app, &world.w.branch, 21, "蒋页面").await;
    let me = page_as(&app, p.id_number.as_str(), "member", world.w.branch.id).await;
    let (status, html) = get_html(&app, &me, "/me/transfers/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("申请组织关系转接"), "{html}");

    // The search button finds the receiving organisation and writes nothing.
    let province = world.w.province.id.to_string();
    let res = post_form(
        &app,
        &me,
        "/me/transfers/new",
        "/me/transfers/new",
        &[
            ("action", "search"),
            ("province_id", &province),
            ("q", "越秀区委"),
            ("reason", "further_study"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("candidate-{}", world.w.sibling.id)),
        "{html}"
    );
    assert!(html.contains("selected"), "the reason chosen stays chosen");

    // A missing detail is told on the form.
    let sibling = world.w.sibling.id.to_string();
    let res = post_form(
        &app,
        &me,
        "/me/transfers/new",
        "/me/transfers/new",
        &[
            ("reason", "further_study"),
            ("detail", ""),
            ("to_org_id", &sibling),
            ("province_id", &province),
            ("q", "越秀区委"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("transfer-error"));

    let res = post_form(
        &app,
        &me,
        "/me/transfers/new",
        "/me/transfers/new",
        &[
            ("reason", "further_study"),
            ("detail", "越秀某中学"),
            ("to_org_id", &sibling),
        ],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/transfers/"), "{to}");
    let id: i64 = to["/transfers/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // The branch admin's list: ticked and approved as a page.
    let admin = page_as(
        &app,
        world.branch_admin.id_number.as_str(),
        "admin",
        world.w.branch.id,
    )
    .await;
    let (status, html) = get_html(&app, &admin, "/transfers?side=out").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("transfer-{id}")), "{html}");
    let id_text = id.to_string();
    let res = post_form(
        &app,
        &admin,
        "/transfers?side=out",
        "/transfers/approve-out",
        &[("id", &id_text)],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, id).await, "pending_in");
    // Nothing ticked: told, nothing changes.
    let res = post_form(
        &app,
        &admin,
        "/transfers?side=out",
        "/transfers/approve-out",
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // The receiving committee decides on the request's page, choosing the branch.
    let sibling_admin = crate::support::admin::person(&app, 22, "越秀管理员").await;
    app.make_admin(&world.w.sibling, &sibling_admin).await;
    let rc = page_as(
        &app,
        sibling_admin.id_number.as_str(),
        "admin",
        world.w.sibling.id,
    )
    .await;
    let page = format!("/transfers/{id}");
    let (_, html) = get_html(&app, &rc, &page).await;
    assert!(html.contains("接收组织审批"), "{html}");
    assert!(html.contains(&world.sibling_branch.full_name), "{html}");
    let branch = world.sibling_branch.id.to_string();
    let res = post_form(
        &app,
        &rc,
        &page,
        &format!("/transfers/{id}/approve-in"),
        &[("branch_id", &branch)],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, id).await, "completed");
    let (_, html) = get_html(&app, &me, &page).await;
    assert!(html.contains("transfer-assigned"), "{html}");
    assert!(html.contains(&world.sibling_branch.full_name));
    // The 办理转入 / 办理转出 forms open for admins.
    for path in [
        format!("/orgs/{}/transfers/out/new", world.w.branch.id),
        format!("/orgs/{}/transfers/in/new", world.w.sibling.id),
    ] {
        let c = if path.contains("/in/") { &rc } else { &admin };
        let (status, _) = get_html(&app, c, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}
