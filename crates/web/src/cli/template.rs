//! `tuanjian template cadres|members -o FILE`: writes an import template, the same file the
//! import page offers (with `--org`, that organisation's own: its branches in the drop-down).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tuanjian_domain::OrgKind;
use tuanjian_store::Store;

use crate::cli::DatabaseArg;
use tuanjian_app::member_import::check::Target;
use tuanjian_app::member_import::columns::{self, Context, Kind};

#[derive(Clone, Copy, ValueEnum)]
pub enum TemplateKind {
    /// 导入本级团干部
    Cadres,
    /// 导入下级团支部团员团干部
    Members,
}

impl From<TemplateKind> for Kind {
    fn from(k: TemplateKind) -> Self {
        match k {
            TemplateKind::Cadres => Kind::Cadres,
            TemplateKind::Members => Kind::Members,
        }
    }
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct TemplateArgs {
    /// 模板：cadres（导入本级团干部）或 members（导入下级团支部团员团干部）
    #[arg(value_enum, value_name = "模板", help_heading = "参数")]
    pub kind: TemplateKind,
    /// 输出文件（.xlsx）
    #[arg(short = 'o', long = "output", value_name = "文件")]
    pub output: PathBuf,
    /// 按这个组织（全称或编号）生成：下拉列表列出它的团支部、它的团干部职务；不填则生成通用模板，不连接数据库
    #[arg(long, value_name = "组织")]
    pub org: Option<String>,
    #[command(flatten)]
    pub db: DatabaseArg,
}

pub async fn run(args: TemplateArgs) -> anyhow::Result<()> {
    let kind = Kind::from(args.kind);
    let template = match &args.org {
        Some(org) => {
            let store = Store::open(&args.db.database_url).await?;
            let org = crate::cli::find_org::find_org(&store, org)
                .await?
                .ok_or_else(|| anyhow::anyhow!("找不到组织“{org}”：请填写组织全称或组织编号"))?;
            let scope = tuanjian_store::import_jobs::operator_scope(&store, org.id).await?;
            let t = Target::load(&store, scope, org, kind).await?.template();
            store.close().await;
            t
        }
        None => columns::template(
            kind,
            &Context {
                org_kind: OrgKind::Committee,
                branch_names: Vec::new(),
            },
        ),
    };
    let bytes = tuanjian_sheet::write_template(&template)?;
    std::fs::write(&args.output, bytes)
        .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", args.output.display()))?;
    println!("已生成「{}」模板：{}", kind.title(), args.output.display());
    Ok(())
}
