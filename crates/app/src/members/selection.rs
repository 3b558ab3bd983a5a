//! The rows ticked in a list (select-many): ids as typed, each a positive number, at most a
//! page's worth, each once. Bulk actions (export, reset codes, transfer) take them.

use tuanjian_domain::ErrorCode;

use super::paging::MAX_PER_PAGE;
use crate::fault::Fault;

/// Most rows one bulk action takes: one full page of the list.
pub const MAX_SELECTED: usize = MAX_PER_PAGE as usize;

/// The ticked ids in the order given, without repeats; refused when none is ticked, one is no
/// id, or there are more than `MAX_SELECTED`.
pub fn selected(raw: &[String], what: &str) -> Result<Vec<i64>, Fault> {
    let mut ids: Vec<i64> = Vec::with_capacity(raw.len());
    for r in raw {
        let id = r
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                Fault::bad_request(
                    ErrorCode::BadRequest,
                    format!(
                        "所选{what}有误（“{}”不是编号），请刷新列表后重新勾选",
                        r.trim()
                    ),
                )
                .field("ids")
            })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            format!("请先在列表中勾选{what}，再选择要办理的操作"),
        )
        .field("ids"));
    }
    if ids.len() > MAX_SELECTED {
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            format!("一次最多选择{MAX_SELECTED}条{what}，请分批办理"),
        )
        .field("ids"));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn reads_ticked_ids() {
        assert_eq!(selected(&s(&["3", " 5", "3"]), "团员").unwrap(), [3, 5]);
        let e = selected(&[], "团员").unwrap_err();
        assert!(e.message.contains("请先在列表中勾选团员"), "{}", e.message);
        assert!(
            selected(&s(&["x"]), "团员")
                .unwrap_err()
                .message
                .contains("“x”")
        );
        assert!(selected(&s(&["0"]), "团员").is_err());
        let many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
        assert!(
            selected(&many, "团员")
                .unwrap_err()
                .message
                .contains("最多选择100条")
        );
    }
}
