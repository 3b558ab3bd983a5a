//! The pages under an organisation share its breadcrumbs (`templates/crumbs.html`): the way
//! down from 团中央 to the organisation, then the page itself, instead of a bare back link.

use super::*;
use crate::support::admin::{get_html, page_as_with};

both_databases!(sub_pages_show_the_organisations_breadcrumbs);

async fn sub_pages_show_the_organisations_breadcrumbs(app: TestApp) {
    let w = app.guangzhou().await;
    let c = page_as_with(
        &app,
        ROOT_ADMIN_ID,
        ROOT_ADMIN_PASSWORD,
        "admin",
        app.root.id,
    )
    .await;
    // 管理员变更 and 管理员注册码 are the direct superior's, creating and importing children the
    // organisation's own, importing members its own: the county's admin.
    let p = app
        .add_person(COUNTY_ADMIN, "区管理员", Some("Admin2024x"))
        .await;
    app.make_admin(&w.county, &p).await;
    let county_admin = page_as_with(&app, COUNTY_ADMIN, "Admin2024x", "admin", w.county.id).await;
    let (school, county, branch) = (w.school.id, w.county.id, w.branch.id);
    let pages = [
        (format!("/orgs/{school}/history"), "变更记录"),
        (format!("/orgs/{county}/completion"), "组织信息完整度"),
        (format!("/orgs/{school}/admins"), "管理员变更"),
        (format!("/orgs/{school}/code"), "管理员注册码"),
        (format!("/orgs/{county}/children/new"), "创建下级组织"),
        (
            format!("/orgs/{county}/children/import"),
            "批量导入下级组织",
        ),
        (format!("/orgs/{school}/graduation"), "毕业班管理"),
        (format!("/orgs/{school}/aged-out"), "超龄团员"),
        (
            format!("/orgs/{county}/import/members"),
            "导入下级团支部团员团干部",
        ),
        (format!("/orgs/{county}/dev-ranges"), "发展团员编号号段"),
        (format!("/orgs/{school}/move"), "组织迁移"),
        (
            format!("/orgs/{branch}/applications"),
            "注册、入团和报到申请",
        ),
    ];
    for (path, here) in pages {
        let by = if ["/admins", "/code", "/children/", "/import/"]
            .iter()
            .any(|p| path.contains(p))
        {
            &county_admin
        } else {
            &c
        };
        let (status, html) = get_html(&app, by, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        let nav = html
            .split("<nav class=\"crumbs\" aria-label=\"组织层级\">")
            .nth(1)
            .and_then(|r| r.split("</nav>").next())
            .unwrap_or_else(|| panic!("{path} has no organisation breadcrumbs: {html}"));
        // 团中央 down to the city: links for 团中央's admin, names only above the county's
        // admin (outside its scope), whose own county is a link.
        for org in [&app.root, &w.province, &w.city] {
            let crumb = if std::ptr::eq(by, &county_admin) {
                format!("<span>{}</span>", org.short_name)
            } else {
                format!("<a href=\"/orgs/{}\">{}</a>", org.id, org.short_name)
            };
            assert!(nav.contains(&crumb), "{path}: {nav}");
        }
        assert!(
            nav.contains(&format!("<a href=\"/orgs/{county}\">")),
            "{path}: {nav}"
        );
        assert!(
            nav.ends_with(&format!("<span aria-current=\"page\">{here}</span>")),
            "{path}: {nav}"
        );
    }
    // 变更记录 sits under 组织信息; 超龄团员 under 团员列表.
    let (_, html) = get_html(&app, &c, &format!("/orgs/{school}/history")).await;
    assert!(html.contains(&format!("href=\"/orgs/{school}/info\" id=\"crumb-info\"")));
    let (_, html) = get_html(&app, &c, &format!("/orgs/{school}/aged-out")).await;
    assert!(html.contains(&format!(
        "href=\"/orgs/{school}/members\" id=\"crumb-members\""
    )));
}
