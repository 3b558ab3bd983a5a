//! `tuanjian daily`: the once-a-day work a scheduler (cron, a systemd timer) runs — student
//! branches whose graduation month has come become 毕业生团组织, and transfer requests left
//! undecided too long lapse (`tuanjian_app::graduation::daily::run_daily`). Running it twice,
//! or on several servers at once, changes each thing once.

use tuanjian_app::graduation::daily::run_daily;
use tuanjian_app::{App, Config};
use tuanjian_store::Store;

use crate::cli::DbOnly;

pub async fn run(args: DbOnly) -> anyhow::Result<()> {
    let store = Store::open(&args.db.database_url).await?;
    // No password is hashed here: one hashing thread is plenty.
    let app = App::new(
        store.clone(),
        Config {
            hash_concurrency: 1,
            ..Config::default()
        },
    );
    let report = run_daily(&app)
        .await
        .map_err(|f| anyhow::anyhow!("{}（{}）", f.message, f.code))?;
    store.close().await;
    println!("每日任务（{}）完成。", report.month);
    if report.converted.is_empty() {
        println!("没有到毕业年月的学生团支部。");
    } else {
        println!("{} 个学生团支部转为毕业生团组织：", report.converted.len());
        for c in &report.converted {
            println!(
                "  {}（编号 {}，{}毕业）：待转出团员 {} 名，延期毕业 {} 名",
                c.branch.full_name, c.branch.org_id, c.branch.month, c.to_transfer, c.late
            );
        }
    }
    println!(
        "超过期限未审批而作废的组织关系转接：{} 个。",
        report.lapsed_transfers
    );
    Ok(())
}
