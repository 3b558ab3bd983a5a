//! Issue 10: what an Excel import of members may not do: tell a name registered outside the
//! admin's scope (item 8), fail its error report on an over-long cell (item 2), read an
//! over-long cell into memory (item 1). Over the real HTTP API, on SQLite and PostgreSQL.

mod common;
mod import_support;

use common::TestApp;
use import_support::*;
use serde_json::Value;
use tuanjian_domain::{MemberField, OrgKind, OrgLevel};
use tuanjian_web::member_import::columns::Kind;

both_databases!(a_name_outside_the_scope_is_not_told,);

fn messages_of_row(detail: &Value, row: u64) -> Vec<String> {
    detail["faults"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["row"] == row)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

fn with_name(i: u32, name: &str) -> Vec<String> {
    let mut r = member_row(i, BRANCH1);
    r[import_support_col(MemberField::Name)] = name.to_string();
    r
}

fn import_support_col(f: MemberField) -> usize {
    Kind::Members.fields().iter().position(|g| *g == f).unwrap()
}

async fn a_name_outside_the_scope_is_not_told(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    // Inside the school's scope: a cadre of the school, a member of its second branch.
    let cadre = app.add_person(&member_id(960), "校内干部", None).await;
    app.make_cadre(&s.w.school, &cadre, "委员").await;
    let inside = app.add_person(&member_id(961), "校内团员", None).await;
    app.make_member(&s.branch2, &inside).await;
    // Outside it: a member of another school's branch, a cadre of the district, an account
    // that belongs nowhere.
    let other_branch = app
        .add_org(
            &s.w.sibling,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "越秀某校团支部",
            "共青团广州市越秀区某中学初三1班支部",
        )
        .await;
    let member = app.add_person(&member_id(962), "校外团员", None).await;
    app.make_member(&other_branch, &member).await;
    let district = app.add_person(&member_id(963), "区里干部", None).await;
    app.make_cadre(&s.w.sibling, &district, "委员").await;
    app.add_person(&member_id(964), "无组织者", None).await;

    let file = members_file(&[
        with_name(960, "另一个人"),
        with_name(961, "另一个人"),
        with_name(962, "另一个人"),
        with_name(963, "另一个人"),
        with_name(964, "另一个人"),
    ]);
    let detail = check(&app, &s, school, "members", &file).await;
    assert_eq!(detail["job"]["faulty_rows"], 5, "{detail}");

    // In scope: the registered name and the organisation, as the form tells them.
    let m = messages_of_row(&detail, 3).join("；");
    assert!(m.contains("登记的姓名为“校内干部”"), "{m}");
    assert!(m.contains(&s.w.school.full_name), "{m}");
    let m = messages_of_row(&detail, 4).join("；");
    assert!(m.contains("登记的姓名为“校内团员”"), "{m}");

    // Outside: registered, in which province, what to do; never the name.
    let everything = detail.to_string();
    for name in ["校外团员", "区里干部", "无组织者"] {
        assert!(!everything.contains(name), "{name} shown: {everything}");
    }
    for row in [5, 6] {
        let m = messages_of_row(&detail, row).join("；");
        assert!(m.contains("已在系统中登记"), "{m}");
        assert!(
            m.contains(&format!("{}所辖组织", s.w.province.full_name)),
            "{m}"
        );
        assert!(m.contains("请核对身份证号码") && m.contains("转接"), "{m}");
        assert!(!m.contains("登记的姓名"), "{m}");
    }
    let m = messages_of_row(&detail, 7).join("；");
    assert!(
        m.contains("已在系统中登记") && !m.contains("登记的姓名"),
        "{m}"
    );
    assert!(m.contains("请核对身份证号码"), "{m}");

    // The error report says the same.
    let (status, report) = get_bytes(&app, &s, detail["job"]["report_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let text = report_text(&report);
    assert!(text.contains("校内干部"), "{text}");
    for name in ["校外团员", "区里干部", "无组织者"] {
        assert!(!text.contains(name), "{name} in the report: {text}");
    }
}

/// Every cell of an error report's first sheet, joined.
fn report_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .used_cells()
        .map(|(_, _, v)| v.to_string())
        .collect::<Vec<_>>()
        .join("|")
}
