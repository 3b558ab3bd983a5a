//! Reading an upload against a template: the header must be the template's, every data row is
//! read with normalised values, and the column rules (required, length, text) are checked for
//! every cell so the caller can report all faults at once.

use std::collections::BTreeMap;
use std::io::Cursor;
use tuanjian_domain::ErrorCode;

use calamine::{Data, DataRef, Reader, Xls, Xlsx};

use crate::error::{CellFault, SheetError};
use crate::spec::{Template, column_letter};
use crate::xlsx_guard::{self, CELL_CHARS, GuardError, OVERLONG};

/// The title of the column an error report puts before the template's (see `write_report`). An
/// upload may keep it: the admin fixes the report's cells and uploads the report itself. Older
/// reports had it after the template's columns, which is still read.
pub const REPORT_COLUMN: &str = "错误说明（导入时忽略此列）";
/// Columns beyond the template's that are still looked at (for the header check).
const EXTRA_COLUMNS: u32 = 30;
/// The most text kept from one upload's cells; more is not a template's rows (100,000 rows of
/// a full member record are about 30 MB). With the cell count bounded by rows × columns, it
/// bounds what a read holds.
pub const KEPT_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// One data row of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row number as Excel shows it.
    pub number: u32,
    /// One normalised value per template column, "" when empty.
    pub values: Vec<String>,
    /// Faults found by the column rules; a column with a fault here should not be checked
    /// further by the caller (see `is_clean`).
    pub faults: Vec<CellFault>,
    /// The sheet column of the template's first column in the file read (1 in an error report,
    /// see `Template::first_column`), for the caller's own cell references.
    pub first_column: usize,
}

impl Row {
    pub fn value(&self, col: usize) -> &str {
        self.values.get(col).map_or("", String::as_str)
    }

    /// No column-rule fault in this column.
    pub fn is_clean(&self, template: &Template, col: usize) -> bool {
        let title = &template.columns[col].title;
        !self.faults.iter().any(|f| &f.column == title)
    }
}

impl CellFault {
    /// A fault of one cell; the message names the row, the column and the cell.
    pub fn at(
        template: &Template,
        row: u32,
        col: usize,
        code: ErrorCode,
        detail: impl AsRef<str>,
    ) -> Self {
        let title = template.columns[col].title.clone();
        let cell = format!("{}{row}", column_letter(col + template.first_column));
        Self {
            message: format!("第{row}行“{title}”（{cell}单元格）：{}", detail.as_ref()),
            row,
            column: title,
            cell,
            code,
        }
    }

    /// A fault of a whole row.
    pub fn row(row: u32, code: ErrorCode, detail: impl AsRef<str>) -> Self {
        Self {
            message: format!("第{row}行：{}", detail.as_ref()),
            row,
            column: String::new(),
            cell: String::new(),
            code,
        }
    }
}

/// A cell as read, before it becomes text.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(String),
    Error(String),
    /// A text longer than `CELL_CHARS`, not kept (see `xlsx_guard`).
    TooLong,
}

impl Raw {
    fn from_data(d: &Data) -> Option<Raw> {
        Some(match d {
            Data::Empty => return None,
            Data::String(s) => Raw::of_text(s),
            Data::Int(i) => Raw::Int(*i),
            Data::Float(f) => Raw::Float(*f),
            Data::Bool(b) => Raw::Bool(*b),
            Data::DateTime(dt) => Raw::Date(excel_date_text(dt)),
            Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::Date(s.clone()),
            Data::Error(e) => Raw::Error(e.to_string()),
        })
    }

    fn from_ref(d: DataRef<'_>) -> Option<Raw> {
        match d {
            DataRef::SharedString(s) => Some(Raw::of_text(s)),
            other => Raw::from_data(&Data::from(other)),
        }
    }

    fn of_text(s: &str) -> Raw {
        // Byte length first: most cells are short, and no cut cell is.
        if s.contains(OVERLONG) || (s.len() > CELL_CHARS && s.chars().count() > CELL_CHARS) {
            Raw::TooLong
        } else {
            Raw::Text(s.to_string())
        }
    }

    /// The bytes this cell keeps on the heap.
    fn heap_bytes(&self) -> usize {
        match self {
            Raw::Text(s) | Raw::Date(s) | Raw::Error(s) => s.len(),
            _ => 0,
        }
    }

    fn text(&self) -> String {
        match self {
            Raw::TooLong => String::new(),
            Raw::Text(s) | Raw::Date(s) => normalise(s),
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => number_text(*f),
            Raw::Bool(true) => "TRUE".into(),
            Raw::Bool(false) => "FALSE".into(),
            Raw::Error(e) => e.clone(),
        }
    }

    fn is_blank(&self) -> bool {
        matches!(self, Raw::Text(s) if normalise(s).is_empty())
    }
}

fn excel_date_text(dt: &calamine::ExcelDateTime) -> String {
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    if dt.is_duration() || (h, mi, s) != (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}")
    }
}

/// Trims (full-width spaces too) and turns full-width digits into ASCII ones, as admins paste
/// numbers from documents typed with a Chinese input method.
pub fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            other => other,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A number as the admin typed it: 13800138000, not 13800138000.0 or 1.38e10.
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Digits Excel keeps exactly in a number cell; longer ones (an 18-digit ID number) lose their end.
const EXACT_DIGITS: usize = 15;

/// Sparse cells by absolute row, then (column, value), both 0-based. A row's cells are few and
/// mostly come in column order, so a vector keeps 100,000 rows small.
type Grid = BTreeMap<u32, Vec<(u32, Raw)>>;

fn cell(cells: &[(u32, Raw)], col: u32) -> Option<&Raw> {
    cells.iter().rev().find(|(c, _)| *c == col).map(|(_, r)| r)
}

/// Reads the first worksheet of an .xlsx or .xls upload against `template`.
/// File-level problems are errors; cell problems are in each `Row::faults`.
pub fn read_rows(
    template: &Template,
    bytes: &[u8],
    file_name: &str,
) -> Result<Vec<Row>, SheetError> {
    let mut rows = Vec::new();
    read_rows_chunked(template, bytes, file_name, &|_| usize::MAX, &mut |chunk| {
        rows.extend(chunk.rows);
        true
    })?;
    Ok(rows)
}

/// Rows handed on by `read_rows_chunked`.
pub struct Chunk {
    pub rows: Vec<Row>,
    /// The data rows the sheet says it holds (its declared dimension, less the header and
    /// notes rows; 0 when it says nothing), for progress only: a file may say anything.
    pub declared_rows: usize,
}

/// Reads like `read_rows`, handing the data rows to `sink` in order as the sheet is read (the
/// caller checks and writes them meanwhile), `chunk_rows(declared)` at a time, where `declared`
/// is what the sheet says it holds (see `Chunk::declared_rows`). A file fault found later
/// (too many rows, too much text) is still an error after rows were handed over: the caller
/// must then drop what it did with them. `sink` returning false stops the reading (Ok).
/// Returns the number of data rows.
pub fn read_rows_chunked(
    template: &Template,
    bytes: &[u8],
    file_name: &str,
    chunk_rows: &dyn Fn(usize) -> usize,
    sink: &mut dyn FnMut(Chunk) -> bool,
) -> Result<usize, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::EmptyFile);
    }
    if bytes.len() > template.max_bytes {
        return Err(SheetError::TooLarge {
            size_kb: bytes.len().div_ceil(1024),
            max_kb: template.max_bytes / 1024,
        });
    }
    let unreadable = || SheetError::Unreadable {
        file_name: file_name.chars().take(80).collect(),
    };
    let too_much = || SheetError::TooMuchText {
        max_mb: (KEPT_TEXT_BYTES / 1024 / 1024) as u64,
    };
    let mut keeper = Keeper::new(template, chunk_rows, sink);
    let read = if bytes.starts_with(b"PK\x03\x04") {
        // calamine reads the file only when bounded as it is, else the bounded copy; see
        // xlsx_guard.
        let safe = xlsx_guard::guard(bytes, template.max_unpacked_bytes).map_err(|e| match e {
            GuardError::Unreadable => unreadable(),
            GuardError::Unpacks => SheetError::UnpacksTooLarge {
                max_mb: template.max_unpacked_bytes / 1024 / 1024,
            },
            GuardError::TooMuchText => too_much(),
        })?;
        guarded(|| read_xlsx(&safe, &mut keeper))
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // calamine would loop on a crafted container; see cfb_check.
        if !crate::cfb_check::sane(bytes) {
            return Err(unreadable());
        }
        guarded(|| read_xls(bytes, &mut keeper))
    } else {
        return Err(unreadable());
    };
    match read {
        None => Err(unreadable()),
        Some(Err(Stop::TooMuch)) => Err(too_much()),
        Some(Err(Stop::Fault(e))) => Err(e),
        Some(Err(Stop::Gone)) => Ok(keeper.kept),
        Some(Ok(())) => keeper.finish(),
    }
}

/// calamine on a damaged file may panic (an integer overflow it does not expect): that file is
/// unreadable, not a server error.
fn guarded<T>(read: impl FnOnce() -> Option<T>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .ok()
        .flatten()
}

/// Why reading stopped before the end of the sheet.
enum Stop {
    /// More than `KEPT_TEXT_BYTES` of text.
    TooMuch,
    /// A fault of the file (its header, the order of its rows).
    Fault(SheetError),
    /// The caller wants no more rows.
    Gone,
}

/// Keeps the cells a read needs: beyond the template's columns only in the first row (the
/// header), none past `keep_rows` rows, and no more than `KEPT_TEXT_BYTES` of text. Rows are
/// handed on `chunk_rows` at a time once complete (a later cell's row is further down), so the
/// cells held at once are about one chunk's.
struct Keeper<'a> {
    template: &'a Template,
    sink: &'a mut dyn FnMut(Chunk) -> bool,
    chunk_for: &'a dyn Fn(usize) -> usize,
    /// `chunk_for(declared_rows)`, at least one.
    chunk_rows: usize,
    /// See `Chunk::declared_rows`.
    declared_rows: usize,
    grid: Grid,
    rows_seen: std::collections::BTreeSet<u32>,
    ncols: u32,
    max_col: u32,
    keep_rows: u32,
    text: usize,
    /// 1 when the header starts with an error report's `REPORT_COLUMN`: the template's
    /// columns then start one to the right, and that column is not read.
    offset: u32,
    /// The first row holding anything.
    header_row: Option<u32>,
    /// Whether the header was checked (and the notes row under it dropped).
    header_checked: bool,
    /// The row of the last cell read.
    current_row: u32,
    /// Rows above this one were handed on.
    handed_below: u32,
    /// Data rows found (handed on up to the template's `max_rows`).
    kept: usize,
}

impl<'a> Keeper<'a> {
    fn new(
        template: &'a Template,
        chunk_for: &'a dyn Fn(usize) -> usize,
        sink: &'a mut dyn FnMut(Chunk) -> bool,
    ) -> Self {
        let ncols = template.columns.len() as u32;
        Self {
            template,
            sink,
            chunk_for,
            chunk_rows: chunk_for(0).max(1),
            declared_rows: 0,
            grid: Grid::new(),
            rows_seen: Default::default(),
            ncols,
            max_col: ncols + EXTRA_COLUMNS,
            // Enough rows to tell "too many" without holding an unbounded sheet.
            keep_rows: template.max_rows as u32 + 50,
            text: 0,
            offset: 0,
            header_row: None,
            header_checked: false,
            current_row: 0,
            handed_below: 0,
            kept: 0,
        }
    }

    /// What the sheet says it holds, before its cells are read.
    fn declare(&mut self, rows: usize) {
        self.declared_rows = rows;
        self.chunk_rows = (self.chunk_for)(rows).max(1);
    }

    fn keep(&mut self, r: u32, c: u32, raw: Raw) -> Result<(), Stop> {
        if raw.is_blank() || c >= self.max_col {
            return Ok(());
        }
        if r < self.handed_below {
            return Err(Stop::Fault(SheetError::RowsOutOfOrder { row: r + 1 }));
        }
        let header = self.header_row.is_none_or(|h| r <= h);
        if header && c == 0 && self.rows_seen.is_empty() && title_text(&raw.text()) == REPORT_COLUMN
        {
            self.offset = 1;
            return Ok(());
        }
        if c < self.offset {
            return Ok(());
        }
        let c = c - self.offset;
        if c >= self.ncols && !header {
            return Ok(());
        }
        if header {
            self.header_row = Some(r);
        }
        self.rows_seen.insert(r);
        if self.rows_seen.len() as u32 <= self.keep_rows {
            self.text += raw.heap_bytes();
            if self.text > KEPT_TEXT_BYTES {
                return Err(Stop::TooMuch);
            }
            self.grid.entry(r).or_default().push((c, raw));
        }
        if r > self.current_row {
            self.current_row = r;
            // The rows above `r` are complete. The first chunk is a fifth of the others: the
            // caller has nothing to do until it comes.
            let size = if self.header_checked {
                self.chunk_rows
            } else {
                (self.chunk_rows / 5).max(1)
            };
            if self.grid.len() > size.saturating_add(2) {
                self.hand_on(Some(r))?;
            }
        }
        Ok(())
    }

    /// Hands on the rows above `below` (all with `None`), checking the header first.
    fn hand_on(&mut self, below: Option<u32>) -> Result<(), Stop> {
        let template = self.template.starting_at(self.offset as usize);
        if !self.header_checked {
            let Some((&h, _)) = self.grid.first_key_value() else {
                return Ok(());
            };
            // The notes row must be complete before it is looked at.
            if below.is_some_and(|b| b <= h + 1) {
                return Ok(());
            }
            let header = self.grid.remove(&h).unwrap_or_default();
            check_header(&template, &header).map_err(Stop::Fault)?;
            // The notes row under the header, when the admin kept it.
            if let Some(cells) = self.grid.get(&(h + 1))
                && cells.iter().all(|(_, v)| {
                    let t = v.text();
                    t.starts_with("必填") || t.starts_with("选填")
                })
            {
                self.grid.remove(&(h + 1));
            }
            self.header_checked = true;
        }
        let ncols = self.ncols;
        let mut rows = Vec::new();
        while let Some(entry) = self.grid.first_entry() {
            if below.is_some_and(|b| *entry.key() >= b) {
                break;
            }
            let (r, cells) = entry.remove_entry();
            if !cells.iter().any(|&(c, _)| c < ncols) {
                continue;
            }
            self.kept += 1;
            // Rows beyond the most allowed are counted, not checked: the read fails.
            if self.kept <= template.max_rows {
                rows.push(check_row(&template, r + 1, &cells));
            }
        }
        self.handed_below = below.unwrap_or(u32::MAX);
        let chunk = Chunk {
            rows,
            declared_rows: self.declared_rows,
        };
        if !chunk.rows.is_empty() && !(self.sink)(chunk) {
            return Err(Stop::Gone);
        }
        Ok(())
    }

    /// The rest of the rows, then the file's faults that only its end shows.
    fn finish(&mut self) -> Result<usize, SheetError> {
        if self.header_row.is_none() {
            return Err(SheetError::NoRows);
        }
        match self.hand_on(None) {
            Ok(()) | Err(Stop::Gone) => {}
            Err(Stop::Fault(e)) => return Err(e),
            Err(Stop::TooMuch) => unreachable!("handing on keeps no text"),
        }
        // Rows beyond those kept were counted but not stored; the header and notes rows are in
        // the count.
        let data_rows = self.kept.max(self.rows_seen.len().saturating_sub(2));
        if data_rows > self.template.max_rows {
            return Err(SheetError::TooManyRows {
                found: data_rows,
                max: self.template.max_rows,
            });
        }
        if self.kept == 0 {
            return Err(SheetError::NoRows);
        }
        Ok(self.kept)
    }
}

/// Streams the first sheet's cells (no dense range: a sheet with one cell at A1 and one at
/// XFD1048576 must not allocate their bounding box).
fn read_xlsx(bytes: &[u8], keeper: &mut Keeper<'_>) -> Option<Result<(), Stop>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).ok()?;
    let name = book.sheet_names().first()?.clone();
    let mut reader = book.worksheet_cells_reader(&name).ok()?;
    let d = reader.dimensions();
    keeper.declare((d.end.0.saturating_sub(d.start.0) as usize).saturating_sub(1));
    while let Some(cell) = reader.next_cell().ok()? {
        let (r, c) = cell.get_position();
        let Some(raw) = Raw::from_ref(cell.get_value().clone()) else {
            continue;
        };
        if let Err(stop) = keeper.keep(r, c, raw) {
            return Some(Err(stop));
        }
    }
    Some(Ok(()))
}

/// An .xls is at most 65,536 × 256 cells, so calamine's dense range is bounded.
fn read_xls(bytes: &[u8], keeper: &mut Keeper<'_>) -> Option<Result<(), Stop>> {
    let mut book: Xls<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).ok()?;
    let range = book.worksheet_range_at(0)?.ok()?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    keeper.declare(range.height().saturating_sub(2));
    for (r, c, d) in range.used_cells() {
        let (r, c) = (r0 + r as u32, c0 + c as u32);
        let Some(raw) = Raw::from_data(d) else {
            continue;
        };
        if let Err(stop) = keeper.keep(r, c, raw) {
            return Some(Err(stop));
        }
    }
    Some(Ok(()))
}

fn title_text(s: &str) -> String {
    normalise(s)
        .trim_end_matches(['*', '＊'])
        .trim()
        .to_string()
}

/// The header row must hold the template's titles (an error report's own column may follow).
fn check_header(template: &Template, header: &[(u32, Raw)]) -> Result<(), SheetError> {
    let ncols = template.columns.len() as u32;
    let width = header
        .iter()
        .map(|(c, _)| c + 1)
        .max()
        .unwrap_or(0)
        .max(ncols);
    let found: Vec<String> = (0..width)
        .map(|c| {
            cell(header, c)
                .map(Raw::text)
                .map(|t| title_text(&t))
                .unwrap_or_default()
        })
        .collect();
    let matches = template
        .columns
        .iter()
        .enumerate()
        .all(|(i, col)| found[i] == title_text(&col.title))
        && found[ncols as usize..]
            .iter()
            .enumerate()
            // An error report's own column may stay, right after the template's.
            .all(|(i, t)| t.is_empty() || (i == 0 && t == REPORT_COLUMN));
    if matches {
        return Ok(());
    }
    let shown: Vec<&str> = found
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .skip_while(|s| s.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Err(SheetError::TemplateMismatch {
        template: template.name.clone(),
        expected: template.titles().join("、"),
        found: shown.join("、").chars().take(200).collect(),
    })
}

/// The first and last Excel serial numbers read as dates in a month column: 1922-01-01 (the
/// league's founding year) to 2100-12-31. Other numbers (201905, 2019.05) stay as typed.
const SERIAL_DATES: std::ops::RangeInclusive<f64> = 8_037.0..=73_415.0;

/// An Excel serial day number (1900 system, after its fictitious 1900-02-29) as YYYY-MM-DD.
pub fn serial_date_text(serial: i64) -> String {
    // Days from 1899-12-30, then the civil-from-days algorithm (H. Hinnant).
    let z = serial - 25_569 + 719_468; // to days since 0000-03-01 via the Unix epoch
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// What a number in a month column means: a date (serial number), or the text as typed; an
/// error when Excel's number cannot tell October from January.
fn month_number(f: f64) -> Result<Option<String>, String> {
    if f.fract() == 0.0 && SERIAL_DATES.contains(&f) {
        return Ok(Some(serial_date_text(f as i64)));
    }
    let text = number_text(f);
    if let Some((y, m)) = text.split_once('.')
        && y.len() == 4
        && m == "1"
    {
        return Err(format!(
            "Excel 把“{text}”存成了数值，分不清是{y}年1月还是{y}年10月（输入 {y}.10 也会变成 {text}）；\
             请把该列设置为“文本”格式后填写如 {y}-01 或 {y}-10"
        ));
    }
    Ok(None)
}

fn check_row(template: &Template, number: u32, cells: &[(u32, Raw)]) -> Row {
    let mut values = Vec::with_capacity(template.columns.len());
    let mut faults = Vec::new();
    for (i, col) in template.columns.iter().enumerate() {
        let raw = cell(cells, i as u32);
        let mut text = raw.map(Raw::text).unwrap_or_default();
        if col.month
            && let Some(Raw::Int(_) | Raw::Float(_)) = raw
        {
            let f = match raw {
                Some(Raw::Int(n)) => *n as f64,
                Some(Raw::Float(f)) => *f,
                _ => 0.0,
            };
            match month_number(f) {
                Ok(Some(date)) => text = date,
                Ok(None) => {}
                Err(msg) => {
                    faults.push(CellFault::at(
                        template,
                        number,
                        i,
                        ErrorCode::JoinDateInvalid,
                        msg,
                    ));
                    values.push(text);
                    continue;
                }
            }
        }
        let fault = |code, detail: String| CellFault::at(template, number, i, code, detail);
        match raw {
            Some(Raw::TooLong) => faults.push(fault(
                ErrorCode::TooLong,
                format!("超过{CELL_CHARS}个字，未读取：请检查该单元格，只填写该列应填的内容"),
            )),
            Some(Raw::Error(e)) => faults.push(fault(
                ErrorCode::CellError,
                format!("单元格是 Excel 错误值 {e}（多为公式出错），请改为直接填写内容"),
            )),
            Some(Raw::Int(_) | Raw::Float(_))
                if col.text && text.trim_start_matches('-').len() > EXACT_DIGITS =>
            {
                faults.push(fault(
                    ErrorCode::StoredAsNumber,
                    format!(
                        "Excel 把这个号码当作数值保存，只保留了前{EXACT_DIGITS}位数字，后面的数字已经丢失（现在是 {text}），无法还原。\
                         请选中该列，右键“设置单元格格式”，选择“文本”，再重新输入完整的号码（也可以在号码前加英文单引号 '）"
                    ),
                ))
            }
            _ if text.is_empty() => {
                if col.required {
                    faults.push(fault(ErrorCode::RequiredMissing, "必须填写，不能为空".into()));
                }
            }
            _ if text.chars().any(char::is_control) => faults.push(fault(
                ErrorCode::InvalidText,
                "含有换行或不可见的控制字符，请删除后重新填写".into(),
            )),
            _ => {
                let len = text.chars().count();
                if let Some(max) = col.max_chars
                    && len > max
                {
                    faults.push(fault(
                        ErrorCode::TooLong,
                        format!("最多{max}个字，现在是{len}个字，请缩短"),
                    ));
                }
            }
        }
        values.push(if matches!(raw, Some(Raw::Error(_))) {
            String::new()
        } else {
            text
        });
    }
    Row {
        number,
        values,
        faults,
        first_column: template.first_column,
    }
}
