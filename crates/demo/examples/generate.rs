//! Times a demo run:
//! `cargo run --release -p tuanjian-demo --example generate -- MEMBERS DATABASE [SEED]`
//! where DATABASE is a SQLite file path or a postgres:// URL.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::PasswordHasher as _;
use tuanjian_demo::{DEMO_PASSWORD, DemoOptions, generate};
use tuanjian_store::Store;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "用法：generate 团员人数 数据库文件或postgres://地址 [随机种子]";
    let members: u64 = args.first().context(usage)?.parse().context(usage)?;
    let database = args.get(1).context(usage)?;
    let seed: u64 = match args.get(2) {
        Some(s) => s.parse().context(usage)?,
        None => 1,
    };
    let url = if database.starts_with("postgres") {
        database.clone()
    } else {
        format!("sqlite://{database}")
    };
    let store = Store::open(&url).await?;
    let hash = Argon2::default()
        .hash_password(DEMO_PASSWORD.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
        .to_string();
    let summary = generate(
        &store,
        DemoOptions {
            members,
            seed,
            orgs: None,
        },
        &hash,
    )
    .await?;
    println!(
        "已生成 {} 个组织、{} 名团员、{} 名团干部，用时 {:.1} 秒",
        summary.orgs,
        summary.members,
        summary.cadres,
        summary.elapsed.as_secs_f64()
    );
    for account in &summary.accounts {
        println!(
            "{}\t{}\t{}",
            account.label, account.id_number, account.password
        );
    }
    store.close().await;
    Ok(())
}
