//! An audit-log entry as the history shows it, all in Chinese (issue 13): the action's label
//! from the one table (`tuanjian_domain::audit_action`), and what changed as "label：before →
//! after", each stored value by its label function (组织类别, 申请方式, 团籍状态, 入团阶段,
//! 身份, 行业类别), flags as 是/否, ID numbers masked. Keys without a label (codes, hashes,
//! ids) are left out, so the history never shows more than the pages do.

use serde_json::{Map, Value};
use tuanjian_domain::audit_action::action_label;
use tuanjian_domain::leaving::Standing;
use tuanjian_domain::org_info::industry;
use tuanjian_domain::self_service::{ApplicationKind, JoinStage};
use tuanjian_domain::{IdNumber, OrgKind};
use tuanjian_store::org_changes::FIELDS;
use tuanjian_store::roles::RoleKind;

/// The action's Chinese label; a code written by an older version and since retired is shown
/// as such rather than as its code.
pub fn label(action: &str) -> String {
    action_label(action).unwrap_or_else(|| "其他操作".to_string())
}

/// The keys an export records: its filters.
const EXPORT_KEYS: &[(&str, &str)] = &[
    ("rows", "导出条数"),
    ("name", "姓名筛选"),
    ("id_number", "按身份证号码筛选"),
    ("join_year", "入团年份筛选"),
    ("status", "团籍状态筛选"),
    ("faulty", "只导出有问题的记录"),
];

/// The keys of a person's requests and records.
const PERSON_KEYS: &[(&str, &str)] = &[
    ("kind", "申请方式"),
    ("name", "姓名"),
    ("id_number", "身份证号码"),
    ("role", "身份"),
    ("stage", "入团阶段"),
    ("status", "团籍状态"),
    ("join_month", "入团年月"),
    ("post", "职务"),
    ("reason", "原因"),
    ("comment", "意见"),
    ("rows", "条数"),
];

/// The keys shown for an action, with their labels, in the order shown.
fn keys(action: &str) -> Vec<(&'static str, &'static str)> {
    if action.ends_with(".export") {
        return EXPORT_KEYS.to_vec();
    }
    if action.starts_with("org.") || action.starts_with("org_change.") {
        return FIELDS
            .iter()
            .copied()
            .chain([
                ("school_code", "学校机构编号"),
                ("post", "职务"),
                ("comment", "意见"),
            ])
            .collect();
    }
    PERSON_KEYS.to_vec()
}

/// A stored value in Chinese; None when there is nothing to show.
fn show_value(action: &str, key: &str, v: &Value) -> Option<String> {
    let text = match v {
        Value::Null => return None,
        Value::Bool(b) => return Some(if *b { "是" } else { "否" }.to_string()),
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(match key {
        k if k.contains("id_number") => match IdNumber::parse(&text) {
            Ok(n) => n.masked(),
            // Stored masked already (applications), or not an ID number at all.
            Err(_) if text.contains('*') => text,
            Err(_) => "******".into(),
        },
        "kind" if action.starts_with("application.") => {
            ApplicationKind::parse(&text).map_or(text, |k| k.label().to_string())
        }
        "kind" => OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == text || format!("{k:?}") == text)
            .map_or(text, |k| k.label().to_string()),
        "industry" => industry(&text).map_or(text, |i| i.label.to_string()),
        "status" => Standing::parse(&text).map_or(text, |s| s.label().to_string()),
        "stage" => JoinStage::parse(&text).map_or(text, |s| s.label().to_string()),
        "role" => RoleKind::parse(&text).map_or(text, |r| r.label().to_string()),
        _ => text,
    })
}

fn object(json: Option<&str>) -> Map<String, Value> {
    json.and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

/// What the entry changed or recorded, one line per key.
pub fn details(action: &str, before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let (b, a) = (object(before), object(after));
    let mut out = Vec::new();
    for (key, label) in keys(action) {
        let bv = b.get(key).and_then(|v| show_value(action, key, v));
        let av = a.get(key).and_then(|v| show_value(action, key, v));
        match (bv, av) {
            (Some(x), Some(y)) if x != y => out.push(format!("{label}：{x} → {y}")),
            (None, Some(y)) => out.push(format!("{label}：{y}")),
            (Some(x), None) if a.contains_key(key) => out.push(format!("{label}：{x} → （空）")),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{details, label};

    #[test]
    fn details_mask_ids_and_skip_unknown_keys() {
        let before = r#"{"phone":"010-1234567","secretary_id_number":"11010519491231002X","password_hash":"x"}"#;
        let after = r#"{"phone":"010-7654321","secretary_id_number":"440524188001010014","password_hash":"y","email":"a@b.cn"}"#;
        let d = details("org.info", Some(before), Some(after));
        assert_eq!(
            d,
            vec![
                "联系电话：010-1234567 → 010-7654321",
                "电子邮箱：a@b.cn",
                "书记身份证号码：110105********002X → 440524********0014",
            ]
        );
    }

    #[test]
    fn values_in_chinese() {
        let d = details(
            "application.submit",
            None,
            Some(r#"{"kind":"join","id_number":"110105********002X","name":"张三"}"#),
        );
        assert_eq!(
            d,
            vec![
                "申请方式：我要入团",
                "姓名：张三",
                "身份证号码：110105********002X"
            ]
        );
        let d = details(
            "org.kind",
            Some(r#"{"kind":"01TZB"}"#),
            Some(r#"{"kind":"02TZZ"}"#),
        );
        assert_eq!(d.len(), 1);
        assert!(!d[0].contains("TZ"), "{d:?}");
        let d = details(
            "member.export",
            None,
            Some(
                r#"{"rows":3,"name":null,"id_number":false,"join_year":null,"status":"left","faulty":true}"#,
            ),
        );
        assert_eq!(
            d,
            vec![
                "导出条数：3",
                "按身份证号码筛选：否",
                "团籍状态筛选：已离团",
                "只导出有问题的记录：是"
            ]
        );
        let d = details("role.switch", None, Some(r#"{"role":"admin","org_id":5}"#));
        assert_eq!(d, vec!["身份：管理员"]);
        assert_eq!(label("role.switch"), "切换身份");
        assert_eq!(
            label("membership.withdrawn.requested"),
            "退团：团员本人申请退团"
        );
        assert_eq!(label("no.such"), "其他操作");
    }
}
