//! `tuanjian copy-to URL`: moves the configured SQLite database into a new, empty PostgreSQL
//! database (the store's `copy_to`), printing each table as it goes and the verification.

use tuanjian_store::Store;
use tuanjian_store::copy_to::{CopyReport, Progress};

use crate::cli::CopyToArgs;

pub async fn run(args: CopyToArgs) -> anyhow::Result<()> {
    let source = Store::connect(&existing_only(&args.db.database_url)).await?;
    // Only a SQLite address is shown: a PostgreSQL one (refused below) may hold a password.
    if args.db.database_url.starts_with("sqlite:") {
        println!("从 {} 复制到 PostgreSQL……", args.db.database_url);
    }
    let result = source.copy_to_postgres(&args.target, print_progress).await;
    source.close().await;
    let report = result?;
    print_summary(&report);
    if report.committed {
        println!("复制完成，校验一致");
        Ok(())
    } else {
        anyhow::bail!("复制后校验不一致，目标数据库已回滚，没有写入任何数据")
    }
}

/// A SQLite source opened read-write but never created: a mistyped path is refused as
/// unreachable instead of leaving a new, empty file behind.
fn existing_only(url: &str) -> String {
    if !url.starts_with("sqlite:") || url.contains("mode=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}mode=rw")
}

fn print_progress(p: Progress<'_>) {
    match p {
        Progress::Skipped { table, reason } => println!("  跳过 {table}：{reason}"),
        Progress::Copied { table, rows } => println!("  已复制 {table}：{rows} 行"),
        Progress::Verified(t) if t.consistent() => {
            println!(
                "  校验 {table}：{rows} 行，一致",
                table = t.table,
                rows = t.target.rows
            )
        }
        Progress::Verified(t) => println!(
            "  校验 {}：不一致（源 {} 行，校验和 {:032x}；目标 {} 行，校验和 {:032x}）",
            t.table, t.source.rows, t.source.checksum, t.target.rows, t.target.checksum
        ),
    }
}

fn print_summary(report: &CopyReport) {
    println!(
        "共 {} 个表、{} 行，跳过 {} 个表，用时 {:.1} 秒。",
        report.tables.len(),
        report.rows(),
        report.skipped.len(),
        report.seconds
    );
    for t in report.differences() {
        println!(
            "差异：表 {} 源 {} 行，目标 {} 行{}",
            t.table,
            t.source.rows,
            t.target.rows,
            if t.source.rows == t.target.rows {
                "（行数相同，内容不同）"
            } else {
                ""
            }
        );
    }
}
