use tuanjian_store::Store;

use crate::auth::password_hash::Hasher;
use crate::cli::DemoArgs;

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    if !(tuanjian_demo::MIN_MEMBERS..=tuanjian_demo::MAX_MEMBERS).contains(&args.members) {
        anyhow::bail!(
            "--members 须在 {} 到 {} 之间",
            tuanjian_demo::MIN_MEMBERS,
            tuanjian_demo::MAX_MEMBERS
        );
    }
    if let Some(orgs) = args.orgs
        && !(tuanjian_demo::MIN_ORGS..=tuanjian_demo::MAX_ORGS).contains(&orgs)
    {
        anyhow::bail!(
            "--orgs 须在 {} 到 {} 之间",
            tuanjian_demo::MIN_ORGS,
            tuanjian_demo::MAX_ORGS
        );
    }
    let store = Store::open(&args.db.database_url).await?;
    let hash = Hasher::new(1)
        .hash(tuanjian_demo::DEMO_PASSWORD.to_string())
        .await?;
    let summary = tuanjian_demo::generate(
        &store,
        tuanjian_demo::DemoOptions {
            members: args.members,
            seed: args.seed,
            orgs: args.orgs,
        },
        &hash,
    )
    .await?;
    store.analyze().await?;
    println!(
        "已生成演示数据：{} 个团组织，{} 名团员，{} 个团干部职务，用时 {:.1} 秒。",
        summary.orgs,
        summary.members,
        summary.cadres,
        summary.elapsed.as_secs_f64()
    );
    println!("演示账号（登录页也会显示）：");
    for a in &summary.accounts {
        println!("  {}：{} / {}", a.label, a.id_number, a.password);
    }
    store.close().await;
    Ok(())
}
