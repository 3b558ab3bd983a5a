//! Every fault an admin can make, reported by row and column with an error report; Excel's
//! numbers and dates; a fault in the last row writes nothing; the valid rows only when asked.

use super::*;

both_databases!(
    every_fault_code,
    excel_numbers_and_dates,
    a_fault_in_the_last_of_1000_rows_writes_nothing,
    valid_rows_only_when_asked,
    reupload_loop_after_valid_rows_only,
);

/// Every fault an admin can make, one per row (golden file), each reported by row and column.
async fn every_fault_code(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    prepare_fault_fixtures(&app, &s).await;
    let detail = check(&app, &s, school, "members", &golden_faults()).await;
    assert_eq!(detail["job"]["state"], "validated", "{detail}");
    let faults = detail["faults"].as_array().unwrap();
    let by_row = |row: u64| -> Vec<(&str, &str)> {
        faults
            .iter()
            .filter(|f| f["row"] == row)
            .map(|f| (f["code"].as_str().unwrap(), f["column"].as_str().unwrap()))
            .collect()
    };
    let expected: [(u64, &str, &str); 21] = [
        (3, "required_missing", "姓名"),
        (4, "id_number_invalid", "身份证号码"),
        (5, "join_age_too_young", "入团年月"),
        (6, "join_date_invalid", "入团年月"),
        (7, "dev_number_required", "发展团员编号"),
        (8, "dev_number_year_mismatch", "发展团员编号"),
        (9, "dev_number_bad_length", "发展团员编号"),
        (10, "dev_number_bad_format", "发展团员编号"),
        (11, "dev_number_out_of_range", "发展团员编号"),
        (12, "dev_number_taken", "发展团员编号"),
        (13, "org_not_found", "所在团支部"),
        (14, "not_a_branch", "所在团支部"),
        (15, "already_registered", "身份证号码"),
        (16, "already_registered", "身份证号码"),
        (17, "invalid_choice", "民族"),
        (18, "too_long", "姓名"),
        (19, "invalid_text", "姓名"),
        (20, "invalid_format", "手机号码"),
        (22, "duplicate_in_file", "身份证号码"),
        (23, "required_missing", "团内现任职务"),
        (24, "already_registered", "姓名"),
    ];
    // Every code the member rules have is met here, except the whole-file one, which
    // `mixed_template_is_refused` meets: a new code must come with a row in this file.
    for c in tuanjian_domain::MemberFaultCode::ALL {
        assert!(
            c.code() == "template_mismatch"
                || expected.iter().any(|(_, code, _)| *code == c.code()),
            "no row of the faults file gives {}",
            c.code()
        );
    }
    for (row, code, column) in expected {
        assert!(
            by_row(row).contains(&(code, column)),
            "row {row}: expected {code} in {column}, got {:?}",
            by_row(row)
        );
    }
    assert!(
        by_row(21).is_empty() && by_row(25).is_empty(),
        "rows 21 and 25 are good"
    );
    assert_eq!(detail["job"]["valid_rows"], 2);
    assert_eq!(detail["job"]["faulty_rows"], 21);
    let message = |row: u64| {
        faults.iter().find(|f| f["row"] == row).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // 组织不存在 with the closest full name offered; a transfer for someone elsewhere.
    let m = message(13);
    assert!(
        m.starts_with("第13行“所在团支部”（G13单元格）：组织不存在"),
        "{m}"
    );
    assert!(m.contains(BRANCH2), "{m}");
    assert!(message(16).contains("转接"), "{}", message(16));
    assert!(message(15).contains("已是本团支部"), "{}", message(15));

    // The error report: the uploaded rows where they were, red cells, a first column saying why.
    let (status, report) = get_bytes(&app, &s, detail["job"]["report_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(report.clone())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(
        range.get_value((0, 0)).unwrap().to_string(),
        tuanjian_sheet::REPORT_COLUMN
    );
    assert_eq!(range.get_value((0, 1)).unwrap().to_string(), "姓名");
    assert!(
        range
            .get_value((12, 0))
            .unwrap()
            .to_string()
            .contains("组织不存在")
    );
    assert!(
        range
            .get_value((20, 0))
            .is_none_or(|v| v.to_string().is_empty()),
        "a good row has no message"
    );
    // The report itself uploads again as the same file (its first column is skipped).
    let again = check(&app, &s, school, "members", &report).await;
    assert_eq!(again["job"]["faulty_rows"], 21, "{again}");
    assert_eq!(
        count(&app, "members").await,
        3,
        "only the fixtures' members"
    );
}

/// Members the fault file collides with, a 号段 for 2020, a non-member account under another name.
async fn prepare_fault_fixtures(app: &TestApp, s: &Setup) {
    let sibling_branch = app
        .add_org(
            &s.w.sibling,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "越秀某校团支部",
            "共青团广州市越秀区某中学初三1班支部",
        )
        .await;
    let here = app.add_person(&member_id(900), "已在本支部", None).await;
    app.make_member(&s.w.branch, &here).await;
    let elsewhere = app.add_person(&member_id(901), "在越秀", None).await;
    app.make_member(&sibling_branch, &elsewhere).await;
    let holder = app.add_person(&member_id(902), "编号持有人", None).await;
    app.make_member(&sibling_branch, &holder).await;
    sqlx::query("UPDATE members SET dev_number = '201900009999' WHERE person_id = $1")
        .bind(holder.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.add_person(&member_id(903), "登记的姓名", None).await;
    sqlx::query(
        "INSERT INTO dev_ranges (org_id, year, start_value, end_value, created_at) \
         VALUES ($1, 2020, 202000000001, 202000000100, 0)",
    )
    .bind(s.w.city.id)
    .execute(app.store.pool())
    .await
    .unwrap();
}

fn golden_faults() -> Vec<u8> {
    golden("import_faults.xlsx", || {
        use MemberField as F;
        let with = |i: u32, changes: &[(MemberField, &str)]| {
            let mut r = member_row(i, BRANCH1);
            for (f, v) in changes {
                let col = Kind::Members.fields().iter().position(|g| g == f).unwrap();
                r[col] = v.to_string();
            }
            r
        };
        let mut bad_check = member_id(104);
        bad_check.pop();
        bad_check.push(if member_id(104).ends_with('0') {
            '1'
        } else {
            '0'
        });
        let young = IdNumber::from_first17("44010620120101001").to_string();
        let rows = vec![
            with(101, &[(F::Name, "")]),
            with(104, &[(F::IdNumber, &bad_check)]),
            with(105, &[(F::IdNumber, &young)]),
            with(106, &[(F::JoinMonth, "2019-13")]),
            with(107, &[(F::DevNumber, "")]),
            with(108, &[(F::DevNumber, "201800000108")]),
            with(109, &[(F::DevNumber, "2019000109")]),
            with(110, &[(F::DevNumber, "2019ABC00110")]),
            with(
                111,
                &[(F::JoinMonth, "2020-03"), (F::DevNumber, "202099999999")],
            ),
            with(112, &[(F::DevNumber, "201900009999")]),
            with(113, &[(F::Branch, "天河一中高一2班团支部")]),
            with(114, &[(F::Branch, SCHOOL)]),
            with(115, &[(F::IdNumber, &member_id(900))]),
            with(116, &[(F::IdNumber, &member_id(901))]),
            with(117, &[(F::Ethnicity, "火星族")]),
            with(118, &[(F::Name, &"长".repeat(31))]),
            with(119, &[(F::Name, "张\n三")]),
            with(120, &[(F::Phone, "12345")]),
            with(121, &[]),
            with(
                122,
                &[
                    (F::IdNumber, &member_id(121)),
                    (F::DevNumber, "201900000999"),
                ],
            ),
            with(123, &[(F::CadreNature, "兼职")]),
            with(124, &[(F::IdNumber, &member_id(903))]),
            with(125, &[(F::Branch, BRANCH2)]),
        ];
        members_file(&rows)
    })
}

/// Cells Excel stores as numbers and dates, and what people type.
async fn excel_numbers_and_dates(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let detail = check(&app, &s, school, "members", &golden_numbers()).await;
    let faults = detail["faults"].as_array().unwrap();
    assert_eq!(faults.len(), 3, "{detail}");
    let lost = &faults[0];
    assert_eq!(
        (lost["row"].as_u64(), lost["code"].as_str()),
        (Some(3), Some("stored_as_number"))
    );
    let m = lost["message"].as_str().unwrap();
    assert!(
        m.contains("丢失") && m.contains("设置单元格格式") && m.contains("文本"),
        "{m}"
    );
    assert_eq!(faults[2]["row"], 10);
    assert_eq!(faults[2]["code"], "stored_as_number");
    assert!(
        faults[2]["message"]
            .as_str()
            .unwrap()
            .contains("科学计数法")
    );
    assert_eq!(faults[1]["row"], 9);
    assert!(
        faults[1]["message"]
            .as_str()
            .unwrap()
            .contains("2019年10月"),
        "{}",
        faults[1]
    );
    assert_eq!(detail["job"]["valid_rows"], 5);
    let done = commit(
        &app,
        &s,
        school,
        detail["job"]["id"].as_i64().unwrap(),
        true,
    )
    .await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    let months: Vec<String> =
        sqlx::query_scalar("SELECT join_month FROM members ORDER BY person_id")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(months, ["2019-05"; 5]);
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM people WHERE id_number = $1")
        .bind(member_id(202))
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(phone.as_deref(), Some("13800138000"));
}

fn golden_numbers() -> Vec<u8> {
    golden("import_excel_numbers.xlsx", || {
        let t = template(Kind::Members);
        let col =
            |f: MemberField| Kind::Members.fields().iter().position(|g| *g == f).unwrap() as u16;
        let mut b = Workbook::new();
        let sh = b.add_worksheet();
        for (c, column) in t.columns.iter().enumerate() {
            sh.write_string(0, c as u16, &column.title).unwrap();
        }
        let base = |sh: &mut rust_xlsxwriter::Worksheet, r: u32, i: u32| {
            sh.write_string(r, col(MemberField::Name), format!("数字{i}"))
                .unwrap();
            sh.write_string(r, col(MemberField::IdNumber), member_id(i))
                .unwrap();
            sh.write_string(r, col(MemberField::Ethnicity), "汉族")
                .unwrap();
            sh.write_string(r, col(MemberField::PoliticalStatus), "共青团员")
                .unwrap();
            sh.write_string(r, col(MemberField::JoinMonth), "2019-05")
                .unwrap();
            sh.write_string(r, col(MemberField::DevNumber), format!("2019{:08}", i))
                .unwrap();
            sh.write_string(r, col(MemberField::Branch), BRANCH1)
                .unwrap();
        };
        // Row 3: an ID number typed into a number cell: its last digits are gone.
        base(sh, 2, 201);
        sh.write_number(
            2,
            col(MemberField::IdNumber),
            member_id(201).parse::<f64>().unwrap_or(4.4e17),
        )
        .unwrap();
        // Row 4: full-width digits and stray spaces; the month an Excel serial date; phone and
        // development number as numbers.
        base(sh, 3, 202);
        let wide: String = member_id(202)
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .map_or(c, |d| char::from_u32('０' as u32 + d).unwrap())
            })
            .collect();
        sh.write_string(3, col(MemberField::IdNumber), format!("  {wide}\u{3000}"))
            .unwrap();
        sh.write_number(3, col(MemberField::JoinMonth), 43_586.0)
            .unwrap();
        sh.write_number(3, col(MemberField::Phone), 13_800_138_000.0)
            .unwrap();
        sh.write_number(3, col(MemberField::DevNumber), 201_900_000_202.0)
            .unwrap();
        // Row 5: a date cell.
        base(sh, 4, 203);
        let date = ExcelDateTime::from_ymd(2019, 5, 20).unwrap();
        sh.write_datetime_with_format(
            4,
            col(MemberField::JoinMonth),
            &date,
            &Format::new().set_num_format("yyyy-mm-dd"),
        )
        .unwrap();
        // Rows 6–8: 2019.05 as a number, 2019年5月 and 2019/5 as typed.
        base(sh, 5, 204);
        sh.write_number(5, col(MemberField::JoinMonth), 2019.05)
            .unwrap();
        base(sh, 6, 205);
        sh.write_string(6, col(MemberField::JoinMonth), " 2019年5月 ")
            .unwrap();
        base(sh, 7, 206);
        sh.write_string(7, col(MemberField::JoinMonth), "2019/5")
            .unwrap();
        // Row 9: 2019.10 typed into a number cell became 2019.1: January or October?
        base(sh, 8, 207);
        sh.write_number(8, col(MemberField::JoinMonth), 2019.1)
            .unwrap();
        // Row 10: an ID number copied from a cell Excel showed in scientific notation.
        base(sh, 9, 208);
        sh.write_string(9, col(MemberField::IdNumber), "4.40106E+17")
            .unwrap();
        b.save_to_buffer().unwrap()
    })
}

async fn a_fault_in_the_last_of_1000_rows_writes_nothing(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let mut rows: Vec<Vec<String>> = (0..1000).map(|i| member_row(i, BRANCH1)).collect();
    rows[999] = member_row(999, "共青团广州市天河区第一中学高一9班支部");
    let people = count(&app, "people").await;
    let detail = check(&app, &s, school, "members", &members_file(&rows)).await;
    assert_eq!(detail["job"]["total_rows"], 1000);
    assert_eq!(detail["job"]["faulty_rows"], 1);
    assert_eq!(detail["faults"][0]["row"], 1002);
    assert_eq!(detail["faults"][0]["code"], "org_not_found");
    let job = detail["job"]["id"].as_i64().unwrap();
    // Commit without choosing valid rows only: refused, nothing written.
    let (status, body) = post_json(
        &app,
        &s,
        &format!("/api/v1/orgs/{school}/import/jobs/{job}/commit"),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "sheet_invalid");
    assert_eq!(count(&app, "members").await, 0);
    assert_eq!(count(&app, "people").await, people);
    assert_eq!(app.audit_count("member.import").await, 0);
}

async fn valid_rows_only_when_asked(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    prepare_fault_fixtures(&app, &s).await;
    let detail = check(&app, &s, school, "members", &golden_faults()).await;
    let job = detail["job"]["id"].as_i64().unwrap();
    let done = commit(&app, &s, school, job, true).await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    assert_eq!(done["job"]["written"]["members"], 2);
    assert_eq!(done["job"]["written"]["skipped_rows"], 21);
    assert!(
        done["job"]["message"]
            .as_str()
            .unwrap()
            .contains("只导入无误的 2 行")
    );
    assert_eq!(count(&app, "members").await, 3 + 2);
    // The report of the skipped rows stays available.
    let (status, _) = get_bytes(&app, &s, done["job"]["report_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    // A committed job cannot be committed again.
    let (status, body) = post_json(
        &app,
        &s,
        &format!("/api/v1/orgs/{school}/import/jobs/{job}/commit"),
        serde_json::json!({"valid_only": true}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
}

/// The cells of a workbook's first sheet as text, by (row, column), 0-based.
fn cells_of(bytes: &[u8]) -> std::collections::BTreeMap<(u32, u32), String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .map(|(r, c, v)| ((r0 + r as u32, c0 + c as u32), v.to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The report as an admin saves it after fixing cells: every cell kept (the reason column
/// too), the fixed ones replaced.
fn fixed_report(report: &[u8], fixes: &[((u32, u32), &str)]) -> Vec<u8> {
    let mut cells = cells_of(report);
    for (at, v) in fixes {
        cells.insert(*at, v.to_string());
    }
    let mut b = Workbook::new();
    let sh = b.add_worksheet();
    sh.set_name("导入下级团支部团员团干部").unwrap();
    for ((r, c), v) in cells {
        sh.write_string(r, c as u16, v).unwrap();
    }
    b.save_to_buffer().unwrap()
}

/// After 只导入无误的行 the report holds only the rows not imported, the reason first; fixed and
/// uploaded again it imports them cleanly (issue 13: it used to raise 已在系统中).
async fn reupload_loop_after_valid_rows_only(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let mut rows: Vec<Vec<String>> = (0..5).map(|i| member_row(600 + i, BRANCH1)).collect();
    let branch_col = Kind::Members
        .fields()
        .iter()
        .position(|f| *f == MemberField::Branch)
        .unwrap();
    let ethnicity_col = Kind::Members
        .fields()
        .iter()
        .position(|f| *f == MemberField::Ethnicity)
        .unwrap();
    rows[1][branch_col] = "共青团广州市天河区第一中学高一9班支部".into();
    rows[3][ethnicity_col] = "火星族".into();
    let detail = check(&app, &s, school, "members", &members_file(&rows)).await;
    assert_eq!(detail["job"]["faulty_rows"], 2, "{detail}");
    let job = detail["job"]["id"].as_i64().unwrap();
    let done = commit(&app, &s, school, job, true).await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    assert_eq!(count(&app, "members").await, 3);

    // The report: the two rows not imported, where they were (rows 4 and 6), reason first.
    let (status, report) = get_bytes(&app, &s, done["job"]["report_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let cells = cells_of(&report);
    assert_eq!(cells[&(0, 0)], tuanjian_sheet::REPORT_COLUMN);
    let data_rows: std::collections::BTreeSet<u32> = cells
        .keys()
        .map(|(r, _)| *r)
        .filter(|r| *r >= tuanjian_sheet::FIRST_DATA_ROW)
        .collect();
    assert_eq!(
        data_rows.into_iter().collect::<Vec<_>>(),
        [3, 5],
        "{cells:?}"
    );
    assert!(cells[&(3, 0)].contains("组织不存在"), "{cells:?}");
    assert!(cells[&(5, 0)].contains("民族"), "{cells:?}");
    assert_eq!(cells[&(3, 1)], "团员601");
    assert!(
        !cells.values().any(|v| v == "团员600" || v == "团员602"),
        "imported rows are not in the report"
    );

    // Fixed in the report itself (the reason column left as it is) and uploaded again.
    let fixed = fixed_report(
        &report,
        &[
            ((3, 1 + branch_col as u32), BRANCH2),
            ((5, 1 + ethnicity_col as u32), "汉族"),
        ],
    );
    let again = check(&app, &s, school, "members", &fixed).await;
    assert_eq!(again["job"]["state"], "validated", "{again}");
    assert_eq!(
        (
            again["job"]["total_rows"].as_i64(),
            again["job"]["faulty_rows"].as_i64()
        ),
        (Some(2), Some(0)),
        "{again}"
    );
    let job = again["job"]["id"].as_i64().unwrap();
    let done = commit(&app, &s, school, job, false).await;
    assert_eq!(done["job"]["state"], "committed", "{done}");
    assert_eq!(done["job"]["written"]["members"], 2, "{done}");
    assert_eq!(count(&app, "members").await, 5);

    // A fault in a re-uploaded report names the cell where it is (the reason column counts).
    let broken = fixed_report(&report, &[((5, 1 + ethnicity_col as u32), "火星族")]);
    let faulty = check(&app, &s, school, "members", &broken).await;
    let f = faulty["faults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["column"] == "民族")
        .unwrap_or_else(|| panic!("{faulty}"));
    let letter = tuanjian_sheet::column_letter(ethnicity_col + 1);
    assert_eq!(f["cell"], format!("{letter}6"), "{f}");
}
