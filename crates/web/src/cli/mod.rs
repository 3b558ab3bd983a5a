//! The command line: `tuanjian serve | migrate | init | backup | copy-to | demo | …`.

pub mod backup;
pub mod check_pdf;
pub mod copy_to;
pub mod daily;
pub mod demo;
pub mod find_org;
pub mod import;
pub mod init;
pub mod recheck;
pub mod serve;
pub mod template;
pub mod verify_counters;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Command, CommandFactory, Parser, Subcommand};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://tuanjian.db";

#[derive(Parser)]
#[command(
    name = "tuanjian",
    version,
    about = "智慧团建：团组织、团员、团干部与管理员的管理系统"
)]
#[command(next_help_heading = "选项", disable_help_subcommand = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Commands,
}

#[derive(Args, Clone)]
#[command(next_help_heading = "选项")]
pub struct DatabaseArg {
    /// 数据库地址：sqlite://文件名（默认，自动创建）或 postgres://用户@主机/数据库
    #[arg(long, env = "TUANJIAN_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, value_name = "URL")]
    pub database_url: String,
}

#[derive(Subcommand)]
pub enum Commands {
    /// 启动网页服务（启动时自动迁移数据库）
    Serve(ServeArgs),
    /// 只执行数据库迁移，然后退出
    Migrate(DbOnly),
    /// 初始化：创建团中央、各省级团委和系统团委，以及第一个团中央管理员
    Init(InitArgs),
    /// 在线备份 SQLite 数据库到文件（PostgreSQL 请用 pg_dump）
    Backup(BackupArgs),
    /// 把 SQLite 数据库复制到一个新建的空 PostgreSQL 数据库（自动迁移，在一个事务中全部复制并逐表校验行数和校验和，不一致则全部回滚）；复制前请停止网页服务
    CopyTo(CopyToArgs),
    /// 生成确定的演示数据（团组织、团员、团干部和演示账号）
    Demo(DemoArgs),
    /// 重新核查全部团员的入团信息（入团年龄、发展团员编号及号段），更新“信息有误”标记；规则调整或从旧系统导入后使用
    RecheckMembers(RecheckArgs),
    /// 核对统计计数：逐个组织用各行数据重新计数，与统计计数比较并报告差异；加 --repair 时在一个事务中按数据重建全部计数
    VerifyCounters(VerifyCountersArgs),
    /// 每日任务（由定时任务每天运行一次，可重复运行，多台服务器同时运行也只生效一次）：到毕业年月的学生团支部转为毕业生团组织；超过期限未审批的组织关系转接作废
    Daily(DbOnly),
    /// 生成导入模板：cadres（导入本级团干部）或 members（导入下级团支部团员团干部）
    Template(template::TemplateArgs),
    /// 从 Excel 导入团员、团干部（服务器运维人员使用：以该组织管理员的权限导入，先逐行检查，全部写入或全部不写入）
    Import(import::ImportArgs),
    /// 检查一个 PDF 文件（网页服务在独立进程中检查上传的文件时使用）：是 PDF 时输出页数，否则输出原因并以状态 2 退出
    #[command(hide = true)]
    CheckPdf(CheckPdfArgs),
}

#[derive(Args)]
pub struct CheckPdfArgs {
    /// 要检查的文件
    pub file: std::path::PathBuf,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct VerifyCountersArgs {
    /// 发现差异时按数据重建全部统计计数（一个事务）
    #[arg(long)]
    pub repair: bool,
    #[command(flatten)]
    pub db: DatabaseArg,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct DbOnly {
    #[command(flatten)]
    pub db: DatabaseArg,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct ServeArgs {
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "地址:端口")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DatabaseArg,
    /// 会话空闲超时（分钟）
    #[arg(long, default_value_t = 30, value_name = "分钟")]
    pub idle_timeout_minutes: i64,
    /// 允许读取 /metrics 的地址，逗号分隔
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "127.0.0.1,::1",
        value_name = "地址"
    )]
    pub metrics_allow: Vec<IpAddr>,
    /// 在 HTTPS 之后运行：Cookie 加 Secure 标志
    #[arg(long)]
    pub secure_cookies: bool,
    /// 在反向代理之后运行：客户端地址取 X-Forwarded-For 的最后一跳
    #[arg(long)]
    pub trust_forwarded_for: bool,
    /// 同一账号连续登录失败多少次后暂时锁定
    #[arg(long, default_value_t = 5, value_name = "次数")]
    pub max_login_failures: i64,
    /// 暂时锁定的时长（秒）
    #[arg(long, default_value_t = 900, value_name = "秒")]
    pub lockout_seconds: i64,
    /// SQLite 页缓存总量（MiB），由全部数据库连接均分；内存充裕时可调大（PostgreSQL 不用）
    #[arg(
        long,
        env = "TUANJIAN_SQLITE_CACHE_MIB",
        default_value_t = tuanjian_store::SqliteCache::DEFAULT_MIB,
        value_name = "MiB"
    )]
    pub sqlite_cache_mib: u32,
    /// PostgreSQL 流复制只读副本的地址：团员、团干部列表、导出和统计可从副本读取，本人刚写入而副本尚未同步的、副本落后过多或不可用时改读主库（SQLite 不支持）
    #[arg(long, env = "TUANJIAN_READ_DATABASE_URL", value_name = "postgres://…")]
    pub read_database_url: Option<String>,
    /// 只读副本最多可落后主库多少秒，超过则改读主库
    #[arg(long, default_value_t = 10, value_name = "秒")]
    pub replica_max_lag_seconds: u64,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct InitArgs {
    /// 第一个团中央管理员的身份证号码
    #[arg(long, value_name = "身份证号码")]
    pub admin_id: String,
    /// 该管理员的姓名
    #[arg(long, default_value = "团中央管理员", value_name = "姓名")]
    pub admin_name: String,
    /// 从标准输入读取密码（一行），供脚本使用
    #[arg(long, conflicts_with = "generate_password")]
    pub password_stdin: bool,
    /// 生成随机密码并只显示一次
    #[arg(long)]
    pub generate_password: bool,
    #[command(flatten)]
    pub db: DatabaseArg,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct BackupArgs {
    /// 备份文件路径（不能已存在）
    #[arg(value_name = "文件", help_heading = "参数")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArg,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct CopyToArgs {
    /// 目标 PostgreSQL 数据库地址（postgres://用户@主机/数据库），须为空数据库
    #[arg(value_name = "URL", help_heading = "参数")]
    pub target: String,
    // The source: the SQLite database the other commands use.
    #[command(flatten)]
    pub db: DatabaseArg,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct DemoArgs {
    /// 团员人数（100 到 10,000,000）
    #[arg(long, default_value_t = 10_000, value_name = "人数")]
    pub members: u64,
    /// 随机种子：相同种子生成相同数据
    #[arg(long, default_value_t = 1, value_name = "种子")]
    pub seed: u64,
    /// 目标团组织数（约数，1,000 到 1,000,000）：学校、企业和团支部更多，团员分散到各团支部，每个团支部至少一名团员（团员人数不足时自动增加）；不填则按团员人数生成
    #[arg(long, value_name = "组织数")]
    pub orgs: Option<u64>,
    #[command(flatten)]
    pub db: DatabaseArg,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct RecheckArgs {
    /// 每批核查的团员人数（每批一个事务）
    #[arg(long, default_value_t = 5_000, value_name = "人数")]
    pub batch: i64,
    #[command(flatten)]
    pub db: DatabaseArg,
}

/// Help in Chinese throughout, headings included.
pub fn command() -> Command {
    fn localize(cmd: Command) -> Command {
        let has = |cmd: &Command, id: &str| cmd.get_arguments().any(|a| a.get_id() == id);
        let mut cmd = cmd
            .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
            .subcommand_help_heading("命令")
            .subcommand_value_name("命令");
        if has(&cmd, "help") {
            cmd = cmd.mut_arg("help", |a| a.help("显示帮助").help_heading("选项"));
        }
        if has(&cmd, "version") {
            cmd = cmd.mut_arg("version", |a| a.help("显示版本").help_heading("选项"));
        }
        cmd.mut_subcommands(localize)
    }
    // Build first: the help and version flags exist only once clap has built the command.
    let mut cmd = Cli::command();
    cmd.build();
    localize(cmd)
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_is_consistent_and_chinese() {
        let mut cmd = super::command();
        cmd.clone().debug_assert();
        let help = cmd.render_help().to_string();
        assert!(help.contains("用法"), "{help}");
        assert!(help.contains("命令"), "{help}");
        assert!(!help.contains("Usage"), "{help}");
        assert!(!help.contains("Print help"), "{help}");
        let serve = cmd
            .find_subcommand_mut("serve")
            .unwrap()
            .render_help()
            .to_string();
        assert!(
            serve.contains("--database-url")
                && serve.contains("显示帮助")
                && !serve.contains("Options"),
            "{serve}"
        );
    }
}
