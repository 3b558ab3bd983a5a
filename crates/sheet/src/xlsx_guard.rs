//! Rewrites an .xlsx before calamine reads it, so that reading it takes bounded memory whatever
//! the file holds (issue 10). calamine materialises every text node, every tag and the whole
//! shared-string table: a 400 KB upload holding one 390 MiB string took the server to 2 GB.
//!
//! Here every XML part is streamed once through a small state machine, and written again
//! (deflated) with:
//! - the text of one cell (a `<c>` of a sheet, an `<si>` or `<is>` string, all of its runs and
//!   CDATA together) cut after `CELL_CHARS` characters and replaced by `OVERLONG`, which the
//!   reader reports as a cell fault; in other parts, each text node the same way;
//! - comments dropped, and any other markup (a tag, a processing instruction, CDATA) longer than
//!   `MARKUP_BYTES` refused: no real workbook has one;
//! - the shared-string table limited to `SHARED_STRINGS` strings and `SHARED_TEXT_BYTES` of text.
//!
//! Parts other than XML are read (to measure the unpacked size) and left out. Everything the
//! state machine holds is one text node of at most `CELL_CHARS` characters or one tag of at
//! most `MARKUP_BYTES`, so calamine then holds at most the capped table and one capped cell at a
//! time. A file the filter would not change at all (the template's own files: checked by
//! `guard` in one pass that writes nothing) meets the same bounds as it is, and is read as it is.

use std::borrow::Cow;
use std::io::{Cursor, Read, Write};

/// The most characters read from one cell: more than any column of any template allows.
pub const CELL_CHARS: usize = 1_000;
/// What a cell cut here holds instead of its text: noncharacters, which no one types.
pub const OVERLONG: &str = "\u{FDD0}\u{FDD1}";
/// The longest tag (attributes included), processing instruction or CDATA section accepted.
const MARKUP_BYTES: usize = 64 * 1024;
/// Shared strings accepted: a table larger than this does not come from a template's rows.
pub const SHARED_STRINGS: u64 = 1_000_000;
/// Text bytes of the shared-string table accepted.
pub const SHARED_TEXT_BYTES: u64 = 48 * 1024 * 1024;

/// Why a file was not rewritten.
#[derive(Debug, PartialEq, Eq)]
pub enum GuardError {
    /// Not a zip, or a damaged one, or markup no workbook has.
    Unreadable,
    /// Unpacks to more than the template allows.
    Unpacks,
    /// A shared-string table larger than `SHARED_STRINGS` / `SHARED_TEXT_BYTES`.
    TooMuchText,
}

/// What calamine may read of `bytes` (a zip): the file itself when the filter would change
/// nothing in it (every cell within `CELL_CHARS`, no comment, only XML parts: a file as the
/// template writes it), else the bounded copy (`rewrite`). Either way at most `max_unpacked`
/// bytes are unpacked in all, and the markup and shared-string limits hold. The check reads the
/// file once without writing; deflating the copy again (and calamine inflating it) was a third
/// of reading a 100,000-row workbook.
pub fn guard(bytes: &[u8], max_unpacked: u64) -> Result<Cow<'_, [u8]>, GuardError> {
    if filter_parts(bytes, max_unpacked, &mut Unchanged)? {
        Ok(Cow::Borrowed(bytes))
    } else {
        rewrite(bytes, max_unpacked).map(Cow::Owned)
    }
}

/// The bounded copy of `bytes` (a zip), unpacking at most `max_unpacked` bytes in all (the sizes
/// a zip declares may lie, so what comes out is counted).
pub fn rewrite(bytes: &[u8], max_unpacked: u64) -> Result<Vec<u8>, GuardError> {
    let mut out = Copy {
        zip: zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len()))),
        opts: zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(false),
    };
    filter_parts(bytes, max_unpacked, &mut out)?;
    Ok(out
        .zip
        .finish()
        .map_err(|_| GuardError::Unreadable)?
        .into_inner())
}

/// Where the filtered parts go.
trait Parts: Write {
    /// A filtered part begins.
    fn start(&mut self, name: String) -> Result<(), GuardError>;
    /// Whether the filter must stop at the first change (a check that the file needs none).
    fn stop_at_change(&self) -> bool;
}

/// The bounded copy.
struct Copy {
    zip: zip::ZipWriter<Cursor<Vec<u8>>>,
    opts: zip::write::SimpleFileOptions,
}

impl Write for Copy {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.zip.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.zip.flush()
    }
}

impl Parts for Copy {
    fn start(&mut self, name: String) -> Result<(), GuardError> {
        self.zip
            .start_file(name, self.opts)
            .map_err(|_| GuardError::Unreadable)
    }
    fn stop_at_change(&self) -> bool {
        false
    }
}

/// A check that writes nothing.
struct Unchanged;

impl Write for Unchanged {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Parts for Unchanged {
    fn start(&mut self, _: String) -> Result<(), GuardError> {
        Ok(())
    }
    fn stop_at_change(&self) -> bool {
        true
    }
}

/// Streams every part of `bytes` through the filter into `out`; true when the filter changed
/// nothing (no cell cut, no comment dropped, no part left out). A check (`Unchanged`) stops at
/// the first change.
fn filter_parts(bytes: &[u8], max_unpacked: u64, out: &mut impl Parts) -> Result<bool, GuardError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| GuardError::Unreadable)?;
    let mut total: u64 = 0;
    let mut unchanged = true;
    let mut chunk = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| GuardError::Unreadable)?;
        let name = entry
            .name()
            .map_err(|_| GuardError::Unreadable)?
            .to_string();
        let lower = name.to_ascii_lowercase();
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        let mut filter = xml.then(|| {
            let cells = lower.contains("sharedstrings") || lower.contains("worksheets/");
            Filter::new(cells, lower.contains("sharedstrings"))
        });
        if filter.is_some() {
            out.start(name)?;
        } else {
            // Left out of the copy: a check cannot vouch for what calamine might make of it.
            unchanged = false;
        }
        if !unchanged && out.stop_at_change() {
            return Ok(false);
        }
        loop {
            let n = entry.read(&mut chunk).map_err(|_| GuardError::Unreadable)?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > max_unpacked {
                return Err(GuardError::Unpacks);
            }
            if let Some(f) = filter.as_mut() {
                f.feed(&chunk[..n], out)?;
                if f.changed && out.stop_at_change() {
                    return Ok(false);
                }
            }
        }
        if let Some(f) = filter.as_mut() {
            f.finish(out)?;
            unchanged &= !f.changed;
        }
    }
    Ok(unchanged)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    Markup,
    /// Inside a comment, dropped as it is read; the last two bytes seen.
    Comment([u8; 2]),
}

/// The streaming rewrite of one XML part.
struct Filter {
    /// Cells are `<c>`, `<si>`, `<is>`: their text is counted together.
    cells: bool,
    shared: bool,
    state: State,
    /// The text node being read, up to the cap (written when the next markup starts).
    text: Vec<u8>,
    /// Characters of the current cell (or text node) so far, the pending `text` included.
    chars: usize,
    in_entity: bool,
    /// The current cell went over the cap: its remaining text is dropped.
    over: bool,
    /// The markup being read, `<` included.
    markup: Vec<u8>,
    quote: Option<u8>,
    /// Inside a `<c>`, `<si>` or `<is>`.
    in_cell: bool,
    strings: u64,
    shared_text: u64,
    /// Something was cut or dropped: the copy differs from the part.
    changed: bool,
}

impl Filter {
    fn new(cells: bool, shared: bool) -> Self {
        Self {
            cells,
            shared,
            state: State::Text,
            text: Vec::new(),
            chars: 0,
            in_entity: false,
            over: false,
            markup: Vec::new(),
            quote: None,
            in_cell: false,
            strings: 0,
            shared_text: 0,
            changed: false,
        }
    }

    fn feed(&mut self, bytes: &[u8], out: &mut impl Write) -> Result<(), GuardError> {
        for &b in bytes {
            match self.state {
                State::Text if b == b'<' => {
                    self.flush_text(out)?;
                    self.state = State::Markup;
                    self.markup.clear();
                    self.markup.push(b);
                    self.quote = None;
                }
                State::Text => self.text_byte(b, out)?,
                State::Comment(tail) => {
                    self.state = if tail == *b"--" && b == b'>' {
                        State::Text
                    } else {
                        State::Comment([tail[1], b])
                    };
                }
                State::Markup => {
                    if self.markup.len() >= MARKUP_BYTES {
                        return Err(GuardError::Unreadable);
                    }
                    self.markup.push(b);
                    if self.markup == b"<!--" {
                        // Comments are dropped: nothing reads them.
                        self.markup.clear();
                        self.changed = true;
                        self.state = State::Comment([0, 0]);
                    } else if self.markup_ends(b) {
                        self.end_markup(out)?;
                        self.state = State::Text;
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut impl Write) -> Result<(), GuardError> {
        if self.state == State::Markup {
            // A part cut off inside a tag: calamine will say it cannot read it.
            let markup = std::mem::take(&mut self.markup);
            write(out, &markup)?;
        }
        self.flush_text(out)
    }

    fn text_byte(&mut self, b: u8, out: &mut impl Write) -> Result<(), GuardError> {
        if self.over {
            return Ok(());
        }
        // A character starts at a byte that is not a UTF-8 continuation; an entity is one.
        if self.in_entity {
            self.in_entity = b != b';';
        } else if b & 0xC0 != 0x80 {
            self.chars += 1;
            self.in_entity = b == b'&';
        }
        if self.chars > CELL_CHARS {
            self.cut(out)?;
            return Ok(());
        }
        self.text.push(b);
        Ok(())
    }

    /// The current cell went over the cap: what is pending goes, the marker comes once.
    fn cut(&mut self, out: &mut impl Write) -> Result<(), GuardError> {
        self.changed = true;
        self.text.clear();
        self.over = true;
        self.in_entity = false;
        self.count_shared(OVERLONG.len())?;
        write(out, OVERLONG.as_bytes())
    }

    fn flush_text(&mut self, out: &mut impl Write) -> Result<(), GuardError> {
        let text = std::mem::take(&mut self.text);
        self.count_shared(text.len())?;
        write(out, &text)?;
        self.text = text;
        self.text.clear();
        // Outside cell parts every text node is a cell of its own.
        if !self.cells {
            self.reset();
        }
        Ok(())
    }

    fn count_shared(&mut self, n: usize) -> Result<(), GuardError> {
        if self.shared {
            self.shared_text += n as u64;
            if self.shared_text > SHARED_TEXT_BYTES {
                return Err(GuardError::TooMuchText);
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.chars = 0;
        self.over = false;
        self.in_entity = false;
    }

    /// Whether `b`, just added, ends the markup: `-->` for a comment, `]]>` for CDATA, else a
    /// `>` outside quotes.
    fn markup_ends(&mut self, b: u8) -> bool {
        let m = &self.markup;
        const COMMENT: &[u8] = b"<!--";
        const CDATA: &[u8] = b"<![CDATA[";
        let undecided = |p: &[u8]| m.len() < p.len() && p.starts_with(m);
        if m.starts_with(CDATA) {
            return m.len() >= 12 && m.ends_with(b"]]>");
        }
        if undecided(COMMENT) || undecided(CDATA) {
            return false;
        }
        match (self.quote, b) {
            (Some(q), _) if q == b => {
                self.quote = None;
                false
            }
            (Some(_), _) => false,
            (None, b'"' | b'\'') => {
                self.quote = Some(b);
                false
            }
            (None, b'>') => true,
            (None, _) => false,
        }
    }

    fn end_markup(&mut self, out: &mut impl Write) -> Result<(), GuardError> {
        let markup = std::mem::take(&mut self.markup);
        if let Some(content) = markup
            .strip_prefix(b"<![CDATA[")
            .and_then(|m| m.strip_suffix(b"]]>"))
        {
            // Text like any other, counted with its cell; never split (it is not escaped).
            if !self.over {
                let n = content.iter().filter(|&&b| b & 0xC0 != 0x80).count();
                self.chars += n;
                if self.chars > CELL_CHARS {
                    self.cut(out)?;
                } else {
                    self.count_shared(content.len())?;
                    write(out, &markup)?;
                }
            }
            if !self.cells {
                self.reset();
            }
        } else {
            if self.cells && starts_cell(&markup) {
                self.reset();
                let end = markup.get(1) == Some(&b'/');
                self.in_cell = !end && !markup.ends_with(b"/>");
                if self.shared && !end {
                    self.strings += 1;
                    if self.strings > SHARED_STRINGS {
                        return Err(GuardError::TooMuchText);
                    }
                }
            } else if !self.in_cell {
                // Text between cells (indentation) is nobody's.
                self.reset();
            }
            write(out, &markup)?;
        }
        self.markup = markup;
        self.markup.clear();
        Ok(())
    }
}

/// A start or end tag of a cell: `c`, `si` or `is`, with or without a namespace prefix.
fn starts_cell(markup: &[u8]) -> bool {
    let body = markup.strip_prefix(b"<").unwrap_or(markup);
    let body = body.strip_prefix(b"/").unwrap_or(body);
    let end = body
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        .unwrap_or(body.len());
    let name = &body[..end];
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    matches!(local, b"c" | b"si" | b"is")
}

fn write(out: &mut impl Write, bytes: &[u8]) -> Result<(), GuardError> {
    out.write_all(bytes).map_err(|_| GuardError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cells: bool, shared: bool, xml: &str, chunk: usize) -> Result<String, GuardError> {
        let mut f = Filter::new(cells, shared);
        let mut out = Vec::new();
        for part in xml.as_bytes().chunks(chunk) {
            f.feed(part, &mut out)?;
        }
        f.finish(&mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn short_cells_pass_unchanged_in_any_chunking() {
        let xml = r#"<?xml version="1.0"?><sst><si><t>团委 &amp; "x>y"</t></si><si><r><t>a</t></r><r><t xml:space="preserve"> b</t></r></si><si><t><![CDATA[<c>]]></t></si></sst>"#;
        for chunk in [1, 3, 7, 4096] {
            assert_eq!(run(true, true, xml, chunk).unwrap(), xml);
        }
    }

    #[test]
    fn a_long_cell_is_cut_and_marked_and_its_neighbours_are_kept() {
        let long = "长".repeat(CELL_CHARS + 1);
        let exact = "满".repeat(CELL_CHARS);
        let xml = format!("<sst><si><t>{long}</t></si><si><t>{exact}</t></si></sst>");
        for chunk in [1, 5, 4096] {
            assert_eq!(
                run(true, true, &xml, chunk).unwrap(),
                format!("<sst><si><t>{OVERLONG}</t></si><si><t>{exact}</t></si></sst>")
            );
        }
        // Runs of rich text count together; entities count as one character.
        let half = "a".repeat(CELL_CHARS / 2);
        let xml = format!("<si><r><t>{half}</t></r><r><t>{half}&amp;</t></r><r><t>z</t></r></si>");
        assert_eq!(
            run(true, true, &xml, 64).unwrap(),
            format!("<si><r><t>{half}</t></r><r><t>{OVERLONG}</t></r><r><t></t></r></si>")
        );
        let cdata = format!("<c r=\"A1\" t=\"inlineStr\"><is><t><![CDATA[{long}]]></t></is></c>");
        assert_eq!(
            run(true, false, &cdata, 100).unwrap(),
            format!("<c r=\"A1\" t=\"inlineStr\"><is><t>{OVERLONG}</t></is></c>")
        );
    }

    #[test]
    fn text_between_cells_belongs_to_none() {
        let gap = " ".repeat(CELL_CHARS);
        let xml = format!(
            "<sheetData>{gap}<row r=\"1\">{gap}<c r=\"A1\"><v>1</v></c>{gap}</row>{gap}</sheetData>"
        );
        assert_eq!(run(true, false, &xml, 64).unwrap(), xml);
    }

    #[test]
    fn comments_go_and_huge_markup_is_refused() {
        let xml = format!("<a><!-- {} --><b/></a>", "x>".repeat(100_000));
        assert_eq!(run(false, false, &xml, 999).unwrap(), "<a><b/></a>");
        let tag = format!("<c r=\"{}\"/>", "A".repeat(MARKUP_BYTES));
        assert_eq!(run(true, false, &tag, 999), Err(GuardError::Unreadable));
    }

    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const SHEET: (&str, &str) = (
        "xl/worksheets/sheet1.xml",
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
    );

    #[test]
    fn a_file_the_filter_would_not_change_is_read_as_it_is() {
        let strings = format!("<sst><si><t>{}</t></si></sst>", "满".repeat(CELL_CHARS));
        let bytes = zip_of(&[SHEET, ("xl/sharedStrings.xml", &strings)]);
        match guard(&bytes, 1 << 20).unwrap() {
            Cow::Borrowed(b) => assert!(std::ptr::eq(b, bytes.as_slice())),
            Cow::Owned(_) => panic!("a bounded file is read as it is"),
        }
        // Still bounded by what it unpacks to.
        assert_eq!(guard(&bytes, 100), Err(GuardError::Unpacks));
    }

    #[test]
    fn a_file_the_filter_changes_is_read_as_the_copy() {
        let long = format!("<sst><si><t>{}</t></si></sst>", "长".repeat(CELL_CHARS + 1));
        let comment = "<worksheet><!-- x --><sheetData/></worksheet>";
        for parts in [
            vec![SHEET, ("xl/sharedStrings.xml", long.as_str())],
            vec![("xl/worksheets/sheet1.xml", comment)],
            vec![SHEET, ("xl/printerSettings/printerSettings1.bin", "\u{0}")],
        ] {
            let bytes = zip_of(&parts);
            match guard(&bytes, 1 << 20).unwrap() {
                Cow::Owned(copy) => assert_eq!(copy, rewrite(&bytes, 1 << 20).unwrap()),
                Cow::Borrowed(_) => panic!("{parts:?}: the bounded copy is read"),
            }
        }
    }

    #[test]
    fn too_many_shared_strings_are_refused() {
        let xml = "<si/>".repeat(SHARED_STRINGS as usize + 1);
        assert_eq!(run(true, true, &xml, 4096), Err(GuardError::TooMuchText));
    }
}
