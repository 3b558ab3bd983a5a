//! What can be wrong with an upload: the file as a whole (`SheetError`), or one cell
//! (`CellFault`, reported by row and column as Excel shows them, all at once).

use serde::Serialize;
use tuanjian_domain::ErrorCode;

/// A fault in one cell (or one row, when `column` is empty), in the words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellFault {
    /// The row number as Excel shows it (1-based).
    pub row: u32,
    /// The column's title; empty for a fault of the whole row.
    pub column: String,
    /// The cell reference, e.g. "B5"; empty for a fault of the whole row.
    pub cell: String,
    /// Stable snake_case code.
    pub code: ErrorCode,
    /// What is wrong and how to fix it, in Chinese, naming the row and column.
    pub message: String,
}

/// Why a file could not be read at all. Nothing in it was looked at row by row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("文件为空，请选择填写好的 Excel 表格后重新上传")]
    EmptyFile,
    #[error("文件太大（{size_kb} KB），一次最多上传 {max_kb} KB；请删除多余内容或分成几个文件上传")]
    TooLarge { size_kb: usize, max_kb: usize },
    #[error(
        "文件解压后的内容超过 {max_mb} MB，不像是填写好的模板；请下载本页的模板，只填写数据后重新上传"
    )]
    UnpacksTooLarge { max_mb: u64 },
    #[error(
        "表格中的文字太多（超过 {max_mb} MB），不像是填写好的模板；请下载本页的模板，只填写数据后重新上传，或分成几个文件上传"
    )]
    TooMuchText { max_mb: u64 },
    #[error(
        "文件“{file_name}”不是可以读取的 Excel 表格。请下载模板，在 Excel 或 WPS 中填写后保存为 .xlsx（或 .xls）格式再上传"
    )]
    Unreadable { file_name: String },
    #[error(
        "您上传的表格不是“{template}”的模板：第一行应为“{expected}”，实际是“{found}”。不同功能下载的模板不可混用，请重新下载本页的模板填写后上传"
    )]
    TemplateMismatch {
        template: String,
        expected: String,
        found: String,
    },
    #[error("表格中没有数据：请从第3行起每行填写一条记录后再上传")]
    NoRows,
    #[error("表格有 {found} 行数据，一次最多导入 {max} 行；请分成几个文件上传")]
    TooManyRows { found: usize, max: usize },
    #[error(
        "表格的第{row}行排在它下面的行之后，行的顺序被打乱了（Excel 和 WPS 保存的文件不会这样），无法逐行读取；请用 Excel 或 WPS 打开该文件，另存为 .xlsx 后重新上传"
    )]
    RowsOutOfOrder { row: u32 },
}

impl SheetError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SheetError::EmptyFile | SheetError::NoRows => ErrorCode::SheetEmpty,
            SheetError::TooLarge { .. }
            | SheetError::UnpacksTooLarge { .. }
            | SheetError::TooMuchText { .. }
            | SheetError::TooManyRows { .. } => ErrorCode::TooLarge,
            SheetError::Unreadable { .. } | SheetError::RowsOutOfOrder { .. } => {
                ErrorCode::SheetUnreadable
            }
            SheetError::TemplateMismatch { .. } => ErrorCode::TemplateMismatch,
        }
    }
}
