//! `tuanjian import`: an import from the command line, for scripts and for checking files on
//! the server. It is for the server's operators: it acts with the organisation's own authority
//! (as its admin would), needs no account, and is audited as the operator's command line. The
//! same use case as the import page's jobs runs here with the file at hand
//! (`tuanjian_app::member_import::run`): the same checks and the same all-or-nothing commit,
//! recorded as a job, so one import at a time per organisation holds across the page and the
//! command line.
//!
//! Exit status: 0 committed (or, with --dry-run, no faults); 1 faults stopped the commit (or
//! were found by --dry-run); 2 unusable arguments, organisation or file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;
use tuanjian_app::member_import::check::{FileFault, Parsed, Progress, Written};
use tuanjian_app::member_import::columns::Kind;
use tuanjian_app::member_import::jobs;
use tuanjian_app::member_import::run::{Finished, OperatorImport, run_for_operator};
use tuanjian_domain::ErrorCode;
use tuanjian_store::import_jobs::JobMode;
use tuanjian_store::{Store, StoreError};

use crate::cli::DatabaseArg;
use crate::cli::template::TemplateKind;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// 中文说明
    Text,
    /// 每行一个 JSON 对象，最后是汇总对象
    Json,
}

#[derive(Args)]
#[command(next_help_heading = "选项")]
pub struct ImportArgs {
    /// 导入到哪个组织：组织全称或组织编号（以该组织管理员的权限导入；仅供服务器运维人员使用）
    #[arg(long, value_name = "组织")]
    pub org: String,
    /// 模板：cadres（导入本级团干部）或 members（导入下级团支部团员团干部）
    #[arg(long = "template", value_enum, value_name = "模板")]
    pub kind: TemplateKind,
    /// 填写好的表格（.xlsx 或 .xls）
    #[arg(value_name = "文件", help_heading = "参数")]
    pub file: PathBuf,
    /// 只检查，不写入任何数据
    #[arg(long)]
    pub dry_run: bool,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text", value_name = "格式")]
    pub format: Format,
    /// 只导入无误的行（有错误的行不导入）；不加此项时，有任何错误都不导入
    #[arg(long)]
    pub valid_only: bool,
    #[command(flatten)]
    pub db: DatabaseArg,
}

struct Out {
    json: bool,
}

impl Out {
    fn rows(&self, parsed: &Parsed) {
        // One write for many lines: standard output writes each line at once otherwise (a
        // system call per row of a 100,000-row file).
        let mut w = std::io::BufWriter::new(std::io::stdout().lock());
        for r in &parsed.rows {
            let written = if self.json {
                let errors: Vec<_> = r
                    .faults
                    .iter()
                    .map(|f| json!({"column": f.column, "code": f.code, "message": f.message}))
                    .collect();
                writeln!(
                    w,
                    "{}",
                    json!({"row": r.number, "ok": r.ok(), "errors": errors})
                )
            } else {
                r.faults
                    .iter()
                    .try_for_each(|f| writeln!(w, "{}", f.message))
            };
            // Output gone (a closed pipe) is no reason to fail the import's exit status.
            if written.is_err() {
                return;
            }
        }
        let _ = w.flush();
    }

    fn summary(&self, s: serde_json::Value, text: &str) {
        if self.json {
            println!("{}", json!({ "summary": s }));
        } else {
            println!("{text}");
        }
    }

    fn unusable(&self, code: ErrorCode, message: &str) -> ExitCode {
        if self.json {
            println!(
                "{}",
                json!({"summary": {"committed": false, "error": {"code": code, "message": message}}})
            );
        } else {
            eprintln!("错误：{message}");
        }
        ExitCode::from(2)
    }
}

fn counts(
    parsed: &Parsed,
    dry_run: bool,
    written: Option<&Written>,
    message: Option<&str>,
) -> serde_json::Value {
    json!({
        "rows": parsed.total(),
        "valid": parsed.valid(),
        "faulty": parsed.faulty(),
        "faults": parsed.faults().len(),
        "dry_run": dry_run,
        "committed": written.is_some(),
        "members": written.map_or(0, |w| w.members),
        "cadres": written.map_or(0, |w| w.cadres),
        "people_created": written.map_or(0, |w| w.people_created),
        "skipped_rows": written.map_or(0, |w| w.skipped_rows),
        "message": message,
    })
}

pub async fn run(args: ImportArgs) -> ExitCode {
    let out = Out {
        json: args.format == Format::Json,
    };
    match go(&args, &out).await {
        Ok(code) => code,
        Err(e) => out.unusable(ErrorCode::InternalError, &e.to_string()),
    }
}

async fn go(args: &ImportArgs, out: &Out) -> anyhow::Result<ExitCode> {
    let kind = Kind::from(args.kind);
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            return Ok(out.unusable(
                ErrorCode::FileUnreadable,
                &format!("无法读取文件 {}：{e}", args.file.display()),
            ));
        }
    };
    let store = match Store::open(&args.db.database_url).await {
        Ok(s) => s,
        Err(e) => return Ok(out.unusable(ErrorCode::DatabaseUnreachable, &e.to_string())),
    };
    jobs::recover(&store).await?;
    let Some(org) = crate::cli::find_org::find_org(&store, &args.org).await? else {
        return Ok(out.unusable(
            ErrorCode::OrgNotFound,
            &format!(
                "组织不存在：找不到“{}”，请填写组织全称（不是简称）或组织编号",
                args.org
            ),
        ));
    };
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let import = OperatorImport {
        org,
        kind,
        file_name: &file_name,
        bytes,
        mode: if args.dry_run {
            JobMode::Validate
        } else {
            JobMode::Commit
        },
        valid_only: args.valid_only,
    };
    // Phases of a commit go to standard error, also with JSON on standard output.
    let progress = if args.dry_run {
        Progress::silent()
    } else {
        Progress::stderr()
    };
    let code = match run_for_operator(&store, import, progress).await {
        Ok(finished) => report(finished, args.dry_run, out),
        Err(StoreError::Conflict { code, message }) => out.unusable(code, &message),
        Err(e) => return Err(e.into()),
    };
    // Reported: the imported members' name search entries are written before the process ends
    // (searches read the members themselves until then).
    jobs::catch_up_name_search(&store).await;
    store.close().await;
    Ok(code)
}

fn file_fault(out: &Out, f: &FileFault) -> ExitCode {
    out.unusable(f.code, &f.message)
}

/// What the import found (and wrote), and the exit status.
fn report(finished: Finished, dry_run: bool, out: &Out) -> ExitCode {
    match finished {
        Finished::FileFault(f) => file_fault(out, &f),
        Finished::Failed(message) => out.unusable(ErrorCode::ImportFailed, &message),
        Finished::Checked {
            parsed,
            written,
            message,
        } => {
            out.rows(&parsed);
            let text = summary_text(&parsed, dry_run, written.as_ref(), message.as_deref());
            out.summary(
                counts(&parsed, dry_run, written.as_ref(), message.as_deref()),
                &text,
            );
            let ok = if dry_run {
                parsed.faulty() == 0
            } else {
                written.is_some()
            };
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn summary_text(
    parsed: &Parsed,
    dry_run: bool,
    written: Option<&Written>,
    message: Option<&str>,
) -> String {
    if dry_run {
        return format!(
            "检查完成（未写入任何数据）：共 {} 行，无误 {} 行，有错误 {} 行。",
            parsed.total(),
            parsed.valid(),
            parsed.faulty()
        );
    }
    match (written, message) {
        (Some(w), _) => format!(
            "已导入：团员 {} 名，团干部职务 {} 个，新建账号 {} 个{}。",
            w.members,
            w.cadres,
            w.people_created,
            if w.skipped_rows > 0 {
                format!("；有错误的 {} 行没有导入", w.skipped_rows)
            } else {
                String::new()
            }
        ),
        (None, Some(m)) => m.to_string(),
        (None, None) => "没有导入任何数据。".into(),
    }
}
