//! The member pages on both databases: entry forms (selects for every list, faults beside their
//! fields, the form refilled), the record and its edit, lists with filters and the faulty-record
//! view, cadres, and a correction from request to the province's decision.

use crate::support::admin::{get_html, page_as, post_form};
use crate::support::location;
use crate::support::members::*;
use reqwest::StatusCode;

both_databases!(
    member_entry_form,
    record_list_and_edit,
    cadre_entry_form,
    correction_through_the_pages,
);

fn member_fields(n: u32, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        ("id_number", youth(n)),
        ("ethnicity", "汉族".into()),
        ("political_status", "共青团员".into()),
        ("join_month", "2022-05".into()),
        ("dev_number", format!("2022440000{n:02}")),
        ("party_applied", "否".into()),
        ("phone", "13800138000".into()),
    ]
}

async fn submit(
    app: &crate::support::TestApp,
    c: &reqwest::Client,
    page: &str,
    fields: &[(&'static str, String)],
) -> reqwest::Response {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_form(app, c, page, page, &f).await
}

async fn member_entry_form(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let c = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;
    let page = format!("/orgs/{}/members/new", t.w.branch.id);
    let (status, html) = get_html(&app, &c, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("初始密码为身份证号码后8位"));
    for select in [
        "ethnicity",
        "political_status",
        "full_time_education",
        "highest_education",
        "occupation",
        "party_applied",
    ] {
        assert!(
            html.contains(&format!("<select name=\"{select}\"")),
            "{select} is a select"
        );
    }
    assert!(
        html.contains(">基诺族<") || html.contains(">基诺<"),
        "all 56 groups offered"
    );

    // Faults beside their fields; what was typed stays.
    let mut bad = member_fields(1, "张一");
    bad[5].1 = "201944000001".into();
    bad[7].1 = "12345".into();
    let res = submit(&app, &c, &page, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"fault-dev_number\""), "{html}");
    assert!(html.contains("id=\"fault-phone\""));
    assert!(!html.contains("id=\"fault-name\""));
    assert!(html.contains("value=\"201944000001\""), "refilled");
    assert!(html.contains(&format!("value=\"{}\"", youth(1))));
    assert!(html.contains("<option value=\"共青团员\" selected>"));
    assert!(html.contains("有 2 处需要修改"));
    assert_eq!(member_count(&app).await, 0);

    let res = submit(&app, &c, &page, &member_fields(1, "张一")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(
        to.starts_with("/members/") && to.ends_with("?created=member"),
        "{to}"
    );
    let (status, html) = get_html(&app, &c, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("初始密码为身份证号码后8位"));
    assert!(
        html.contains("2008-03-01") && html.contains(">男<"),
        "sex and birth date from the ID"
    );
    // Refused for a committee (members go into branches) and for the county two levels up.
    let (status, html) = get_html(&app, &c, &format!("/orgs/{}/members/new", t.w.school.id)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("不是团支部"));
    let county = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let (status, _) = get_html(&app, &county, &page).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn record_list_and_edit(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let a = add(&t.branch, &t.w.branch, member_json(1, "张一")).await;
    let b = add(&t.branch, &t.w.branch, member_json(2, "李二")).await;
    set_fault(&app, b, "dev_number_bad_length").await;
    let c = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;

    // The list: masked IDs, filters kept in the export link, the faulty view with its message.
    let list = format!("/orgs/{}/members", t.w.school.id);
    let (status, html) = get_html(&app, &c, &list).await;
    assert_eq!(status, StatusCode::OK);
    let full = youth(1);
    assert!(html.contains(&format!("{}********{}", &full[..6], &full[14..])));
    assert!(!html.contains(&full), "no full ID number in the list");
    assert!(html.contains("共 2 人"));
    assert!(html.contains(&format!(
        "href=\"/orgs/{}/members/export.xlsx\"",
        t.w.school.id
    )));
    let (_, html) = get_html(&app, &c, &format!("{list}?faulty=1&join_year=2022")).await;
    assert!(html.contains("共 1 人") && html.contains("李二") && !html.contains(">张一<"));
    assert!(
        html.contains("发展团员编号位数不对"),
        "the fault in Chinese"
    );
    // The export link carries the filters (askama escapes `&` as `&#38;`).
    assert!(
        html.contains("export.xlsx?join_year=2022&#38;faulty=1"),
        "{html}"
    );
    let (_, html) = get_html(&app, &c, &format!("{list}?per_page=1")).await;
    assert!(html.contains("第 1 / 2 页") && html.contains("id=\"next-page\""));
    let (status, html) = get_html(&app, &c, &format!("{list}?join_year=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("入团年份应为4位数字"));

    // The record: full detail; the fault shown with the way to fix it.
    let (_, html) = get_html(&app, &c, &format!("/members/{b}")).await;
    assert!(html.contains(&youth(2)) && html.contains("发展团员编号位数不对"));
    assert!(html.contains(&format!("/members/{b}/edit")));

    // The edit: name and ID read-only with 申请更正; a fault keeps the form; a save clears it.
    let edit = format!("/members/{b}/edit");
    let (status, html) = get_html(&app, &c, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("申请更正"));
    assert!(html.contains(&format!("id=\"id_number\" value=\"{}\" readonly", youth(2))));
    assert!(
        !html.contains("name=\"name\""),
        "the name is not a form field"
    );
    assert!(
        html.contains("value=\"202244000002\""),
        "starts from what is stored"
    );
    let mut fields = member_fields(2, "李二");
    fields[5].1 = "202244000001".into();
    let res = submit(&app, &c, &edit, &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"fault-dev_number\"") && html.contains("已被占用"));
    let mut fields = member_fields(2, "李二");
    fields[7].1 = "13900139000".into();
    fields.push(("qq", "123456".into()));
    let res = submit(&app, &c, &edit, &fields).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(member_row(&app, b).await.2, None, "fault cleared");
    assert_eq!(person_row(&app, b).await.2.as_deref(), Some("13900139000"));
    let (_, html) = get_html(&app, &c, &format!("/members/{b}?saved=1")).await;
    assert!(html.contains("已保存") && html.contains("123456"));
    let _ = a;
}

async fn cadre_entry_form(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let c = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let page = format!("/orgs/{}/cadres/new", t.w.school.id);
    let (status, html) = get_html(&app, &c, &page).await;
    assert_eq!(status, StatusCode::OK);
    // A committee's posts, not a branch's.
    assert!(html.contains(">常委<") && !html.contains(">组织委员<"));
    assert!(html.contains("<select name=\"cadre_nature\""));
    let mut fields = vec![
        ("name", "王书记".to_string()),
        ("id_number", crate::support::admin::idn(70)),
        ("ethnicity", "汉族".into()),
        ("political_status", "中共党员".into()),
        ("post", "".into()),
        ("cadre_nature", "专职".into()),
        ("party_committee", "是".into()),
    ];
    let res = submit(&app, &c, &page, &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"fault-post\""));
    fields[4].1 = "书记".into();
    let res = submit(&app, &c, &page, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &c, &location(&res)).await;
    assert!(html.contains("书记") && html.contains("同级党委（支部）成员"));
    let (_, html) = get_html(
        &app,
        &c,
        &format!("/orgs/{}/cadres?post=书记", t.w.county.id),
    )
    .await;
    assert!(html.contains("王书记") && html.contains("共 1 条任职"));
}

async fn correction_through_the_pages(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let id = add(&t.branch, &t.w.branch, member_json(1, "张一")).await;
    let branch = page_as(
        &app,
        t.branch_admin.id_number.as_str(),
        "admin",
        t.w.branch.id,
    )
    .await;
    let page = format!("/members/{id}/corrections/new");
    let (status, html) = get_html(&app, &branch, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&youth(1)));
    let res = post_form(
        &app,
        &branch,
        &page,
        &page,
        &[("new_name", ""), ("new_id_number", "12"), ("reason", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"fault-new_id_number\"") && html.contains("id=\"fault-reason\""));
    assert!(html.contains("value=\"12\""), "refilled");
    let res = post_form(
        &app,
        &branch,
        &page,
        &page,
        &[
            ("new_name", "张壹"),
            ("new_id_number", ""),
            ("reason", "户口簿为准"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/members/{id}?corrected=1"));
    let (_, html) = get_html(&app, &branch, &format!("/members/{id}?corrected=1")).await;
    assert!(html.contains("等待省级团委审核") && html.contains("张一 → 张壹"));
    let corr: i64 = sqlx::query_scalar("SELECT id FROM corrections WHERE person_id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();

    // The province finds it in 待办 and decides it there.
    let province = page_as(
        &app,
        t.province_admin.id_number.as_str(),
        "admin",
        t.w.province.id,
    )
    .await;
    let (_, inbox) = get_html(&app, &province, "/inbox").await;
    assert!(inbox.contains(&format!("/corrections/{corr}")), "{inbox}");
    let detail = format!("/corrections/{corr}");
    let (status, html) = get_html(&app, &province, &detail).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"approve\"") && html.contains("户口簿为准"));
    // The requester sees it with 撤回, not the decision buttons.
    let (_, html) = get_html(&app, &branch, &detail).await;
    assert!(html.contains("id=\"withdraw\"") && !html.contains("id=\"approve\""));
    let res = post_form(
        &app,
        &province,
        &detail,
        &format!("{detail}/return"),
        &[("comment", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("退回意见"));
    let res = post_form(&app, &province, &detail, &format!("{detail}/approve"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &province, &location(&res)).await;
    assert!(html.contains("已审核通过") && html.contains("审核通过，已更正"));
    assert_eq!(person_row(&app, id).await.0, "张壹");
    let (_, inbox) = get_html(&app, &province, "/inbox").await;
    assert!(
        !inbox.contains(&format!("/corrections/{corr}")),
        "no longer waiting"
    );
}
