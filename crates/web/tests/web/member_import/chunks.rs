//! Files longer than one chunk: the import reads, checks and (for a commit) writes a fifth of
//! the file, at least 1,000 rows, at a time in one transaction. A fault found after rows were written writes nothing; valid rows
//! only keeps the good rows of every chunk; a cadre whose posts are in two chunks is one
//! account; rows out of order past the first chunk are refused with what to do.

use super::*;
use tuanjian_sheet::{hostile, write_filled};

both_databases!(
    a_fault_after_rows_were_written_writes_nothing,
    a_cadre_in_two_chunks_is_one_account,
);

/// Five chunks of 1,040 rows.
const ROWS: u32 = 5_200;

/// `tuanjian import` of `file` into the school: exit code and the JSON summary.
fn import(app: &TestApp, kind: &str, file: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let out = bin()
        .args(["import", "--org", SCHOOL, "--template", kind])
        .arg(file)
        .args(["--format", "json"])
        .args(extra)
        .args(["--database-url", &app.db.url])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap_or_default();
    let summary: Value = serde_json::from_str(last)
        .unwrap_or_else(|_| panic!("{stdout} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), summary["summary"].clone())
}

fn col(field: MemberField, kind: Kind) -> usize {
    kind.fields().iter().position(|f| *f == field).unwrap()
}

async fn a_fault_after_rows_were_written_writes_nothing(app: TestApp) {
    let _s = setup(&app).await;
    let mut rows: Vec<Vec<String>> = (0..ROWS)
        .map(|i| member_row(i, if i % 2 == 0 { BRANCH1 } else { BRANCH2 }))
        .collect();
    // Row 5,152 of the sheet (the last chunk) repeats row 12's development number, which the
    // first chunk wrote before the last was read.
    let dev = col(MemberField::DevNumber, Kind::Members);
    rows[5_150][dev] = rows[10][dev].clone();
    let file = temp_file("late-fault.xlsx", &members_file(&rows));
    let people = count(&app, "people").await;
    let (code, summary) = import(&app, "members", &file, &[]);
    assert_eq!(code, 1, "{summary}");
    assert_eq!(summary["committed"], false);
    assert_eq!(
        (summary["rows"].as_u64(), summary["faulty"].as_u64()),
        (Some(5_200), Some(1))
    );
    assert_eq!(count(&app, "members").await, 0);
    assert_eq!(count(&app, "people").await, people);
    assert_eq!(count(&app, "name_chars_deferred").await, 0);
    assert_eq!(count(&app, "name_chars_pending").await, 0, "rolled back");
    assert_eq!(app.audit_count("member.import").await, 0);
    // Valid rows only: every chunk's good rows, the faulty one left out.
    let (code, summary) = import(&app, "members", &file, &["--valid-only"]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["members"], 5_199);
    assert_eq!(summary["skipped_rows"], 1);
    assert_eq!(count(&app, "members").await, 5_199);
    assert_eq!(count(&app, "people").await, people + 5_199);
    // The command line wrote the name search entries after reporting, before it ended.
    assert_eq!(count(&app, "name_chars_pending").await, 0);
    let faulty = member_id(5_150);
    let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id_number = $1")
        .bind(&faulty)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(written, 0);
    // Rows out of order past the first chunk cannot be read in chunks: refused, nothing written.
    let titles: Vec<String> = template(Kind::Members)
        .columns
        .iter()
        .map(|c| c.title.clone())
        .collect();
    let shuffled = hostile::xlsx(&titles, hostile::Attack::RowsOutOfOrder { rows: 5_100 }).unwrap();
    let file2 = temp_file("shuffled.xlsx", &shuffled);
    let (code, summary) = import(&app, "members", &file2, &["--valid-only"]);
    assert_eq!(code, 2, "{summary}");
    assert_eq!(summary["error"]["code"], "sheet_unreadable");
    let message = summary["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("第3行") && message.contains("另存为 .xlsx"),
        "{message}"
    );
    assert_eq!(count(&app, "members").await, 5_199);
    for f in [file, file2] {
        let _ = std::fs::remove_file(f);
    }
}

async fn a_cadre_in_two_chunks_is_one_account(app: TestApp) {
    use MemberField as F;
    let _s = setup(&app).await;
    let cadre = |i: u32, post: &str| {
        row(
            Kind::Cadres,
            &[
                (F::Name, &format!("干部{i}")),
                (F::IdNumber, &member_id(i)),
                (F::Ethnicity, "汉族"),
                (F::PoliticalStatus, "共青团员"),
                (F::Post, post),
                (F::CadreNature, "兼职"),
                (F::PartyCommittee, "否"),
            ],
        )
    };
    // Two chunks of at least 1,000 rows.
    let mut rows: Vec<Vec<String>> = (0..1_500).map(|i| cadre(i, "委员")).collect();
    // Row 1,502 is row 3's person again, with another post.
    rows[1_499] = cadre(0, "副书记");
    let file = temp_file(
        "cadres.xlsx",
        &write_filled(&template(Kind::Cadres), &rows).unwrap(),
    );
    let people = count(&app, "people").await;
    let (code, summary) = import(&app, "cadres", &file, &[]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["cadres"], 1_500);
    assert_eq!(summary["people_created"], 1_499);
    assert_eq!(count(&app, "people").await, people + 1_499);
    let posts: Vec<String> = sqlx::query_scalar(
        "SELECT c.post FROM cadre_posts c JOIN people p ON p.id = c.person_id \
         WHERE p.id_number = $1 ORDER BY c.post",
    )
    .bind(member_id(0))
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(posts, ["副书记", "委员"]);
    let _ = std::fs::remove_file(file);
}
