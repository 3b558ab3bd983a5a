//! `tuanjian recheck-members`: recomputes every member's stored entry fault (after a rule
//! change or an import from an old system), in batches, printing the counts.

use std::time::Instant;

use tuanjian_store::Store;
use tuanjian_store::entry_faults::beijing_today;

use crate::cli::RecheckArgs;

pub async fn run(args: RecheckArgs) -> anyhow::Result<()> {
    if args.batch < 1 {
        anyhow::bail!("--batch 须为正整数，如 5000");
    }
    let store = Store::open(&args.db.database_url).await?;
    let started = Instant::now();
    let mut last_print = Instant::now();
    let stats = store
        .recheck_all_members(beijing_today(), args.batch, |s| {
            if last_print.elapsed().as_secs() >= 5 {
                eprintln!("已核查 {} 名团员……", s.checked);
                last_print = Instant::now();
            }
        })
        .await?;
    store.close().await;
    println!(
        "核查完成：共核查 {} 名团员，用时 {:.1} 秒；{} 名的标记有变化；现有 {} 名团员的入团信息不符合规定。",
        stats.checked,
        started.elapsed().as_secs_f64(),
        stats.changed,
        stats.faulty
    );
    Ok(())
}
