//! What the small filled-in sheets (a branch's 团员教育评议, a month of 团费) share: the
//! members written into the template off the async threads, a filled sheet read under the
//! import's parsing permit, and one refusal naming the first faulty cells of a sheet that
//! records nothing.

use std::time::Duration;

use tuanjian_domain::ErrorCode;
use tuanjian_sheet::{CellFault, Row, Template, read_rows, write_filled};

use crate::fault::Fault;
use crate::member_import::jobs::parsing_permit_within;

/// How many faults a refused sheet's message lists.
const FAULTS_SHOWN: usize = 10;

/// The template filled with `rows`, as .xlsx bytes.
pub(crate) async fn write(template: Template, rows: Vec<Vec<String>>) -> Result<Vec<u8>, Fault> {
    tokio::task::spawn_blocking(move || write_filled(&template, &rows))
        .await
        .map_err(Fault::internal)?
        .map_err(Fault::internal)
}

/// The uploaded sheet's rows, read while holding one of the import's parsing permits (busy:
/// `import_busy`); an unreadable file is the reader's own fault on the `file` field.
pub(crate) async fn read(
    template: Template,
    bytes: Vec<u8>,
    file_name: &str,
) -> Result<Vec<Row>, Fault> {
    let Some(_permit) = parsing_permit_within(Duration::from_secs(20)).await else {
        return Err(Fault::of(ErrorCode::ImportBusy));
    };
    let name = file_name.to_string();
    tokio::task::spawn_blocking(move || read_rows(&template, &bytes, &name))
        .await
        .map_err(Fault::internal)?
        .map_err(|e| Fault::new(e.code(), e.to_string()).field("file"))
}

/// The refusal of a sheet with faults: how many, what was not done, and the first ones in row
/// order; `None` when there are none.
pub(crate) fn refusal(mut faults: Vec<CellFault>, nothing_done: &str) -> Option<Fault> {
    if faults.is_empty() {
        return None;
    }
    faults.sort_by_key(|f| f.row);
    let mut message = faults
        .iter()
        .take(FAULTS_SHOWN)
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join("；");
    if faults.len() > FAULTS_SHOWN {
        message.push_str(&format!("；另有{}处问题", faults.len() - FAULTS_SHOWN));
    }
    Some(
        Fault::bad_request(
            faults[0].code,
            format!(
                "表格有{}处问题，{nothing_done}，请改正后重新上传：{message}",
                faults.len()
            ),
        )
        .field("file"),
    )
}
