//! `tuanjian verify-counters [--repair]`: checks every organisation's statistics counters
//! against its rows and prints what differs; with `--repair`, rebuilds them from the rows.

use std::process::ExitCode;
use std::time::Instant;

use tuanjian_store::Store;
use tuanjian_store::counters::CounterReport;

use crate::cli::VerifyCountersArgs;

pub async fn run(args: VerifyCountersArgs) -> ExitCode {
    match verify(&args).await {
        Ok(report) if report.is_clean() || report.repaired => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

async fn verify(args: &VerifyCountersArgs) -> anyhow::Result<CounterReport> {
    let store = Store::open(&args.db.database_url).await?;
    let started = Instant::now();
    let report = store.verify_counters(args.repair).await?;
    store.close().await;
    println!(
        "已核对 {} 个组织的 {} 项统计计数，用时 {:.1} 秒。",
        report.organisations,
        report.counters,
        started.elapsed().as_secs_f64()
    );
    print!("{}", describe(&report));
    Ok(report)
}

/// The report in Chinese, one line per finding.
fn describe(report: &CounterReport) -> String {
    if report.is_clean() {
        return "统计计数与数据一致。\n".to_string();
    }
    let mut out = String::new();
    if report.difference_count > 0 {
        out.push_str(&format!(
            "有 {} 项统计计数与数据不一致",
            report.difference_count
        ));
        if report.difference_count > report.differences.len() {
            out.push_str(&format!("（以下列出前 {} 项）", report.differences.len()));
        }
        out.push_str("：\n");
        for d in &report.differences {
            out.push_str(&format!(
                "  组织 {} 的 {}={:?}：计数 {}，按数据应为 {}\n",
                d.org_id, d.dim, d.val, d.stored, d.counted
            ));
        }
    }
    if report.column_faults > 0 {
        out.push_str(&format!(
            "有 {} 处统计所依据的字段（管理员人数、团员人数、组织路径）与数据不一致。\n",
            report.column_faults
        ));
    }
    if report.unfolded > 0 {
        out.push_str(&format!(
            "有 {} 条变动尚未计入统计（在事务之外直接修改了数据）。\n",
            report.unfolded
        ));
    }
    if report.name_search_faults > 0 {
        out.push_str(&format!(
            "姓名检索表有 {} 条与团员数据不一致（按姓名查找可能漏找或多找）。\n",
            report.name_search_faults
        ));
    }
    if report.repaired {
        out.push_str("已按数据重建不一致的统计计数和姓名检索表。\n");
    } else {
        out.push_str(
            "请运行 tuanjian verify-counters --repair 按数据重建（可在服务运行时进行）。\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_store::counters::CounterDifference;

    #[test]
    fn clean_and_faulty_reports_read_in_chinese() {
        assert_eq!(
            describe(&CounterReport::default()),
            "统计计数与数据一致。\n"
        );
        let report = CounterReport {
            difference_count: 1,
            differences: vec![CounterDifference {
                org_id: 7,
                dim: "sex".into(),
                val: "m".into(),
                stored: 3,
                counted: 2,
            }],
            ..CounterReport::default()
        };
        let text = describe(&report);
        assert!(text.contains("有 1 项统计计数与数据不一致"), "{text}");
        assert!(
            text.contains("组织 7 的 sex=\"m\"：计数 3，按数据应为 2"),
            "{text}"
        );
        assert!(text.contains("--repair"), "{text}");
    }
}
