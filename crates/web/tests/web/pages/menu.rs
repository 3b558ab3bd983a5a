//! 管理中心 (issue 13, items 1 and 5): the menu offers a link iff `authorize` allows its action,
//! every link it offers opens, the org page's actions are the same list, 待办 is on every page of
//! an admin, and members get their own small menu.

use reqwest::StatusCode;

use crate::support::TestApp;
use crate::support::admin::{get_html, page_as, person};

both_databases!(
    the_menu_offers_only_what_the_role_may_do,
    every_link_of_the_menu_opens,
    the_inbox_count_is_on_every_page,
    members_get_their_own_menu,
);

/// The links of the desktop menu (the phone's is the same list).
pub fn menu_links(html: &str) -> Vec<String> {
    let start = html
        .find("id=\"menu-side\"")
        .expect("the page has the menu");
    let end = start + html[start..].find("</aside>").expect("the menu ends");
    html[start..end]
        .split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].replace("&amp;", "&"))
        .collect()
}

/// The links of the organisation page's action groups.
fn org_action_links(html: &str) -> Vec<String> {
    let Some(start) = html.find("id=\"org-actions\"") else {
        return vec![];
    };
    let end = start + html[start..].find("</nav>").unwrap();
    html[start..end]
        .split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].replace("&amp;", "&"))
        .collect()
}

async fn the_menu_offers_only_what_the_role_may_do(app: TestApp) {
    let gz = app.guangzhou().await;
    let school_admin = person(&app, 1, "校管理员").await;
    app.make_admin(&gz.school, &school_admin).await;
    let branch_admin = person(&app, 2, "支部管理员").await;
    app.make_admin(&gz.branch, &branch_admin).await;
    let (s, b) = (gz.school.id, gz.branch.id);

    let c = page_as(&app, school_admin.id_number.as_str(), "admin", s).await;
    let (_, html) = get_html(&app, &c, &format!("/orgs/{s}")).await;
    let menu = menu_links(&html);
    for expected in [
        format!("/orgs/{s}"),
        format!("/orgs/{s}/children/new"),
        format!("/orgs/{s}/members"),
        format!("/orgs/{s}/cadres"),
        format!("/orgs/{s}/import/members"),
        "/inbox".to_string(),
        "/transfers?side=out".to_string(),
        format!("/orgs/{s}/admins"),
        format!("/orgs/{s}/reviews/progress"),
        format!("/orgs/{s}/star-ratings/progress"),
    ] {
        assert!(
            menu.contains(&expected),
            "school menu lacks {expected}: {menu:?}"
        );
    }
    // Its own organisation is deleted, and its code kept, by the superior only.
    for refused in [format!("/orgs/{s}/delete"), format!("/orgs/{s}/code")] {
        assert!(!menu.contains(&refused), "school menu offers {refused}");
        let (status, _) = get_html(&app, &c, &refused).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    }
    // The organisation page offers the same links for itself, and the superior's for a child.
    let own = org_action_links(&html);
    assert!(own.contains(&format!("/orgs/{s}/children/new")), "{own:?}");
    assert!(!own.contains(&format!("/orgs/{s}/delete")), "{own:?}");
    let (_, child) = get_html(&app, &c, &format!("/orgs/{b}")).await;
    let child_actions = org_action_links(&child);
    for expected in [format!("/orgs/{b}/delete"), format!("/orgs/{b}/code")] {
        assert!(child_actions.contains(&expected), "{child_actions:?}");
    }
    assert!(!child_actions.contains(&format!("/orgs/{b}/children/new")));
    // The menu stays the own organisation's on a child's page.
    assert_eq!(menu_links(&child), menu);
    // The children list leads straight to each child's members.
    assert!(
        html.contains(&format!("href=\"/orgs/{b}/members\"")),
        "{html}"
    );

    let c = page_as(&app, branch_admin.id_number.as_str(), "admin", b).await;
    let (_, html) = get_html(&app, &c, &format!("/orgs/{b}")).await;
    let menu = menu_links(&html);
    for refused in [
        format!("/orgs/{b}/children/new"),
        format!("/orgs/{b}/delete"),
        format!("/orgs/{b}/code"),
        format!("/orgs/{b}/import/members"),
    ] {
        assert!(
            !menu.contains(&refused),
            "branch menu offers {refused}: {menu:?}"
        );
        assert!(!org_action_links(&html).contains(&refused), "{refused}");
    }
    for expected in [
        format!("/orgs/{b}/members"),
        format!("/orgs/{b}/members/new"),
    ] {
        assert!(
            menu.contains(&expected),
            "branch menu lacks {expected}: {menu:?}"
        );
    }
    // 统计 (issue 14), 两制 (the branch's 团员教育评议) and 团内激励 (推优入党, issue 15) have
    // functions; the current page is marked.
    assert!(html.contains("两制") && html.contains("团内激励"), "{html}");
    assert!(
        menu.contains(&format!("/orgs/{b}/recommendations")),
        "branch menu lacks 推优入党: {menu:?}"
    );
    assert!(
        menu.contains(&format!("/orgs/{b}/reviews")),
        "branch menu lacks 团员教育评议: {menu:?}"
    );
    assert!(
        menu.contains(&format!("/orgs/{b}/statistics")),
        "branch menu lacks 统计: {menu:?}"
    );
    // 对标定级 (issue 16): the branch's own rating; 团中央's setting is not offered.
    assert!(
        menu.contains(&format!("/orgs/{b}/star-ratings")),
        "branch menu lacks 对标定级: {menu:?}"
    );
    assert!(!menu.contains(&"/star-ratings/config".to_string()));
    assert!(
        html.contains(&format!("<a href=\"/orgs/{b}\" aria-current=\"page\">")),
        "{html}"
    );
}

/// Shown implies allowed: every page the menu offers opens for the role it was offered to.
async fn every_link_of_the_menu_opens(app: TestApp) {
    let gz = app.guangzhou().await;
    for (n, org) in [(1, &gz.city), (2, &gz.school), (3, &gz.branch)] {
        let admin = person(&app, n, "管理员").await;
        app.make_admin(org, &admin).await;
        let c = page_as(&app, admin.id_number.as_str(), "admin", org.id).await;
        let (_, html) = get_html(&app, &c, &format!("/orgs/{}", org.id)).await;
        let links = menu_links(&html);
        assert!(links.len() > 8, "{links:?}");
        for href in links {
            let (status, page) = get_html(&app, &c, &href).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "{} → {href}: {page}",
                org.short_name
            );
            assert!(!page.contains("无权操作"), "{href}");
        }
    }
}

async fn the_inbox_count_is_on_every_page(app: TestApp) {
    let gz = app.guangzhou().await;
    let admin = person(&app, 1, "区管理员").await;
    app.make_admin(&gz.county, &admin).await;
    let c = page_as(&app, admin.id_number.as_str(), "admin", gz.county.id).await;
    for path in [
        "/".to_string(),
        format!("/orgs/{}", gz.school.id),
        format!("/orgs/{}/members", gz.county.id),
        "/me".to_string(),
        "/password".to_string(),
        "/search".to_string(),
        "/orgs/999999".to_string(),
    ] {
        let (_, html) = get_html(&app, &c, &path).await;
        assert!(
            html.contains("id=\"inbox-link\"") && html.contains("待办 (0)"),
            "{path}: {html}"
        );
    }
}

async fn members_get_their_own_menu(app: TestApp) {
    let gz = app.guangzhou().await;
    let member = person(&app, 1, "团员甲").await;
    app.make_member(&gz.branch, &member).await;
    let (c, res) = app
        .page_login(member.id_number.as_str(), crate::support::admin::PW)
        .await;
    // The only role, taken at once.
    assert_eq!(
        crate::support::location(&res),
        format!("/orgs/{}", gz.branch.id)
    );
    let (_, html) = get_html(&app, &c, "/me").await;
    let menu = menu_links(&html);
    for expected in ["/me", "/my-membership", "/applications/mine", "/"] {
        assert!(menu.contains(&expected.to_string()), "{expected}: {menu:?}");
    }
    assert!(menu.contains(&format!("/orgs/{}", gz.branch.id)));
    assert!(
        !menu.iter().any(|l| l.contains("/members") || l == "/inbox"),
        "{menu:?}"
    );
    assert!(!html.contains("id=\"inbox-link\""));
    assert!(
        html.contains("<a href=\"/me\" aria-current=\"page\">"),
        "{html}"
    );
}
