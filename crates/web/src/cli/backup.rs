use tuanjian_store::Store;

use crate::cli::BackupArgs;

pub async fn run(args: BackupArgs) -> anyhow::Result<()> {
    if args.file.exists() {
        anyhow::bail!(
            "备份文件 {} 已存在：请换一个文件名，或先删除它",
            args.file.display()
        );
    }
    let target = args
        .file
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("备份文件路径须为 UTF-8"))?;
    let store = Store::connect(&args.db.database_url).await?;
    store.backup_sqlite(target).await?;
    store.close().await;
    println!("已备份到 {}", args.file.display());
    Ok(())
}
