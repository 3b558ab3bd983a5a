//! The column specification: one description of a sheet serves both the downloadable template
//! and the reading of uploads, so the two cannot drift apart.

/// One column of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header cell, exactly as written in the template and expected in uploads.
    pub title: String,
    /// An empty cell in a data row is a fault.
    pub required: bool,
    /// Longest value accepted, in characters (not bytes).
    pub max_chars: Option<usize>,
    /// Values offered in the template's drop-down. Reading does not enforce them: callers check
    /// the domain meaning (and accept codes as well as labels) with their own fault codes.
    pub choices: Vec<String>,
    /// Shown in the template's notes row under the header.
    pub notes: String,
    /// Cells formatted as text in the template, so Excel keeps long digit strings as typed; an
    /// uploaded cell that Excel stored as a long number anyway is reported.
    pub text: bool,
    /// A year and month (入团年月 …): a date cell or an Excel serial number is read as its date,
    /// and a number such as 2019.1, which Excel made of 2019.10 as well as of 2019.1, is reported.
    pub month: bool,
}

impl Column {
    /// An optional, text-formatted column without limits; refine with the builder methods.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            required: false,
            max_chars: None,
            choices: Vec::new(),
            notes: String::new(),
            text: true,
            month: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn max_chars(mut self, n: usize) -> Self {
        self.max_chars = Some(n);
        self
    }

    pub fn choices<S: Into<String>>(mut self, choices: impl IntoIterator<Item = S>) -> Self {
        self.choices = choices.into_iter().map(Into::into).collect();
        self
    }

    pub fn notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = notes.into();
        self
    }

    /// A year-month column (see `Column::month`).
    pub fn month(mut self) -> Self {
        self.month = true;
        self
    }

    /// Numbers and dates keep Excel's own formats (the reader still renders them as text).
    pub fn general(mut self) -> Self {
        self.text = false;
        self
    }

    /// The notes row text: the column's notes prefixed with whether it is required.
    pub fn note_line(&self) -> String {
        let mut parts = vec![if self.required { "必填" } else { "选填" }.to_string()];
        if let Some(n) = self.max_chars {
            parts.push(format!("最多{n}个字"));
        }
        if !self.choices.is_empty() {
            parts.push("从下拉列表中选择".to_string());
        }
        if !self.notes.is_empty() {
            parts.push(self.notes.clone());
        }
        parts.join("；")
    }
}

/// A sheet layout: row 1 holds the titles, row 2 the notes, data starts on row 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The worksheet's name (at most 31 characters, none of `[]:*?/\`); also names the template
    /// in messages.
    pub name: String,
    pub columns: Vec<Column>,
    /// Most data rows accepted in one upload; also how far down the drop-downs reach.
    pub max_rows: usize,
    /// Largest upload accepted, in bytes.
    pub max_bytes: usize,
    /// Most an .xlsx may unpack to (a small zip can hide gigabytes).
    pub max_unpacked_bytes: u64,
    /// The sheet column of the template's first column: 0, or 1 in an error report, whose
    /// first column says what is wrong (`REPORT_COLUMN`). Cell references (B5) count it.
    pub first_column: usize,
}

impl Template {
    /// Defaults: 2,000 rows, 2 MB.
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Self {
        Self {
            name: name.into(),
            columns,
            max_rows: 2_000,
            max_bytes: 2 * 1024 * 1024,
            max_unpacked_bytes: 64 * 1024 * 1024,
            first_column: 0,
        }
    }

    /// The same template as laid out in a file with `first_column` columns before it (an
    /// error report uploaded again).
    pub fn starting_at(&self, first_column: usize) -> Self {
        Self {
            first_column,
            ..self.clone()
        }
    }

    pub fn column_index(&self, title: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.title == title)
    }

    pub fn titles(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.title.as_str()).collect()
    }
}

/// The Excel column letters for a 0-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn note_lines() {
        let c = Column::new("组织简称")
            .required()
            .max_chars(30)
            .notes("例如：团一中委");
        assert_eq!(c.note_line(), "必填；最多30个字；例如：团一中委");
        let k = Column::new("组织类别").choices(["团委", "团支部"]);
        assert_eq!(k.note_line(), "选填；从下拉列表中选择");
    }
}
