use std::process::ExitCode;

use clap::FromArgMatches;
use tracing_subscriber::EnvFilter;
use tuanjian_store::Store;
use tuanjian_web::cli::{self, Cli, Commands};

/// Many small allocations per request (rows, strings); glibc's allocator showed up at 15 % of
/// a page's CPU under load, mimalloc at a fraction of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let matches = cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Commands::Serve(a) => cli::serve::run(a).await,
        Commands::Migrate(a) => migrate(&a.db.database_url).await,
        Commands::Init(a) => cli::init::run(a).await,
        Commands::Backup(a) => cli::backup::run(a).await,
        Commands::CopyTo(a) => cli::copy_to::run(a).await,
        Commands::Demo(a) => cli::demo::run(a).await,
        Commands::RecheckMembers(a) => cli::recheck::run(a).await,
        Commands::Daily(a) => cli::daily::run(a).await,
        // Exit status 1 when counters differ from the rows and were not repaired.
        Commands::VerifyCounters(a) => return cli::verify_counters::run(a).await,
        Commands::Template(a) => cli::template::run(a).await,
        // Its own exit statuses: 0 committed, 1 faults stopped it, 2 unusable input.
        Commands::Import(a) => return cli::import::run(a).await,
        // 0 with the page count, 2 with why it is no PDF (`files::pdf::pages_of` reads both).
        Commands::CheckPdf(a) => return cli::check_pdf::run(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(url: &str) -> anyhow::Result<()> {
    let store = Store::open(url).await?;
    store.close().await;
    println!("数据库迁移完成。");
    Ok(())
}
