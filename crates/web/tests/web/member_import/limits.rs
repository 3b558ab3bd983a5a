//! Issue 10: what an Excel import of members may not do: tell a name registered outside the
//! admin's scope (item 8), fail its error report on an over-long cell (item 2), read an
//! over-long cell into memory (item 1). Over the real HTTP API, on SQLite and PostgreSQL.

use crate::support::TestApp;
use crate::support::import::*;
use serde_json::Value;
use tuanjian_app::member_import::columns::Kind;
use tuanjian_domain::{MemberField, OrgKind, OrgLevel};
use tuanjian_sheet::hostile::{self, Attack};

both_databases!(
    a_name_outside_the_scope_is_not_told,
    a_report_with_a_cell_longer_than_excel_allows,
    an_over_long_cell_is_a_cell_fault_and_nothing_is_written,
    imports_at_once_take_turns,
);

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

/// Issue 10, item 2: a cell of 40,000 characters (more than an Excel cell holds) still gets its
/// error report, from the API and from the page.
async fn a_report_with_a_cell_longer_than_excel_allows(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let file = members_file(&[
        with_name(970, &"长".repeat(40_000)),
        member_row(971, BRANCH1),
    ]);
    let detail = check(&app, &s, school, "members", &file).await;
    assert_eq!(detail["job"]["state"], "validated", "{detail}");
    assert_eq!(detail["job"]["faulty_rows"], 1, "{detail}");
    let m = messages_of_row(&detail, 3).join("；");
    assert!(m.contains("姓名"), "{m}");

    let job = detail["job"]["id"].as_i64().unwrap();
    let (status, api_report) =
        get_bytes(&app, &s, detail["job"]["report_url"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&api_report));
    let (c, _) = app.page_login(&s.admin_id, ADMIN_PASSWORD).await;
    let res = c
        .get(app.url(&format!(
            "/orgs/{school}/import/members/jobs/{job}/report.xlsx"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page_report = res.bytes().await.unwrap().to_vec();
    for report in [api_report, page_report] {
        // The reason first, then the template's columns.
        let rows = report_rows(&report);
        let message = &rows[2][0];
        assert!(message.contains("第3行“姓名”"), "{message}");
        assert!(rows[2][1].encode_utf16().count() <= 32_767);
        assert_eq!(
            rows[3][2],
            member_id(971).as_str(),
            "the good row is there too"
        );
    }
}

/// The cells of an error report's first sheet by row and column (from A1), as text.
fn report_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let width = Kind::Members.fields().len() + 1;
    (0..range.end().unwrap().0 + 1)
        .map(|r| {
            (0..width as u32)
                .map(|c| {
                    range
                        .get_value((r, c))
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

fn titles() -> Vec<String> {
    template(Kind::Members)
        .titles()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Issue 10, item 1: a cell of 5 million characters (inline, or in the shared-string table) in
/// a small upload is not read: a fault of that cell, the job finishes, nothing is written.
async fn an_over_long_cell_is_a_cell_fault_and_nothing_is_written(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let (members, people) = (count(&app, "members").await, count(&app, "people").await);
    for attack in [
        Attack::InlineCell { chars: 5_000_000 },
        Attack::SharedCell { chars: 5_000_000 },
    ] {
        let file = hostile::xlsx(&titles(), attack).unwrap();
        assert!(file.len() < 200_000, "a small upload: {}", file.len());
        let detail = check(&app, &s, school, "members", &file).await;
        assert_eq!(detail["job"]["state"], "validated", "{detail}");
        let faults = detail["faults"].as_array().unwrap();
        let name = faults
            .iter()
            .find(|f| f["cell"] == "A3")
            .unwrap_or_else(|| panic!("{detail}"));
        assert_eq!(name["code"], "too_long");
        assert_eq!(
            name["message"],
            "第3行“姓名”（A3单元格）：超过1000个字，未读取：请检查该单元格，只填写该列应填的内容"
        );
        let job = detail["job"]["id"].as_i64().unwrap();
        let (status, body) = post_json(
            &app,
            &s,
            &format!("/api/v1/orgs/{school}/import/jobs/{job}/commit"),
            serde_json::json!({ "valid_only": true }),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "sheet_invalid", "{body}");
        // The report is there, its cell empty and red, the message in its row.
        let (status, report) =
            get_bytes(&app, &s, detail["job"]["report_url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        let rows = report_rows(&report);
        assert_eq!(rows[2][1], "");
        assert!(rows[2][0].contains("未读取"));
    }
    assert_eq!(count(&app, "members").await, members, "nothing written");
    assert_eq!(count(&app, "people").await, people, "nothing written");
}

/// The same hostile file sent at once to three organisations by their three admins: the jobs
/// take turns reading (one at a time in this process), and each finishes with its own fault.
async fn imports_at_once_take_turns(app: TestApp) {
    let s = setup(&app).await;
    let mut admins = vec![(s.w.school.id, s.token.clone())];
    for (i, org) in [&s.w.sibling, &s.w.county].into_iter().enumerate() {
        let id = adult(50 + i as u32);
        let p = app
            .add_person(&id, "区团委管理员", Some(ADMIN_PASSWORD))
            .await;
        app.make_admin(org, &p).await;
        let body = app.api().login(&id, ADMIN_PASSWORD).await;
        admins.push((org.id, body["token"].as_str().unwrap().to_string()));
    }
    let as_admin = |token: &str| Setup {
        w: crate::support::Guangzhou {
            province: s.w.province.clone(),
            city: s.w.city.clone(),
            county: s.w.county.clone(),
            sibling: s.w.sibling.clone(),
            school: s.w.school.clone(),
            branch: s.w.branch.clone(),
        },
        branch2: s.branch2.clone(),
        admin_id: String::new(),
        token: token.to_string(),
    };
    let setups: Vec<(i64, Setup)> = admins.iter().map(|(o, t)| (*o, as_admin(t))).collect();
    let file = hostile::xlsx(&titles(), Attack::InlineCell { chars: 2_000_000 }).unwrap();
    let run = |i: usize| check(&app, &setups[i].1, setups[i].0, "members", &file);
    let (a, b, c) = tokio::join!(run(0), run(1), run(2));
    for detail in [a, b, c] {
        assert_eq!(detail["job"]["state"], "validated", "{detail}");
        assert!(
            detail["faults"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["cell"] == "A3" && f["code"] == "too_long"),
            "{detail}"
        );
    }
}
