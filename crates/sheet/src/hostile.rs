//! Uploads made to hurt the reader, for the tests and the memory benchmark (issue 10): a small
//! .xlsx whose XML holds a huge cell or very many medium ones. The XML is streamed into the zip,
//! so making a 390 MiB cell takes no more memory than a small one.

use std::io::{Cursor, Write};

/// What the file holds under the template's header row.
#[derive(Debug, Clone, Copy)]
pub enum Attack {
    /// Row 3, column A: one inline string of this many characters.
    InlineCell { chars: usize },
    /// Row 3, column A: one shared string of this many characters.
    SharedCell { chars: usize },
    /// `rows` rows from row 3, every column: the same shared string of `chars` characters.
    ManyCells { rows: u32, chars: usize },
    /// Rows 3 to `rows + 2`, rows 3 and 4 written last, column A holding the row's number.
    RowsOutOfOrder { rows: u32 },
}

fn zip_err(e: zip::result::ZipError) -> std::io::Error {
    std::io::Error::other(e)
}

/// Writes `text` `n` times in pieces, never holding it whole.
fn repeat(out: &mut impl Write, text: &str, n: usize) -> std::io::Result<()> {
    let piece = text.repeat(4096);
    let mut left = n;
    while left >= 4096 {
        out.write_all(piece.as_bytes())?;
        left -= 4096;
    }
    out.write_all(text.repeat(left).as_bytes())
}

fn col(c: usize) -> String {
    crate::spec::column_letter(c)
}

/// The .xlsx: `titles` in row 1 (inline strings), then the attack.
pub fn xlsx(titles: &[String], attack: Attack) -> std::io::Result<Vec<u8>> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let shared = matches!(attack, Attack::SharedCell { .. } | Attack::ManyCells { .. });
    z.start_file("[Content_Types].xml", opts).map_err(zip_err)?;
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{}</Types>"#,
        if shared {
            r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        } else {
            ""
        }
    )?;
    z.start_file("_rels/.rels", opts).map_err(zip_err)?;
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)?;
    z.start_file("xl/workbook.xml", opts).map_err(zip_err)?;
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#)?;
    z.start_file("xl/_rels/workbook.xml.rels", opts)
        .map_err(zip_err)?;
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{}</Relationships>"#,
        if shared {
            r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        } else {
            ""
        }
    )?;
    if let Attack::SharedCell { chars } | Attack::ManyCells { chars, .. } = attack {
        z.start_file("xl/sharedStrings.xml", opts)
            .map_err(zip_err)?;
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#)?;
        repeat(&mut z, "长", chars)?;
        z.write_all(b"</t></si></sst>")?;
    }
    z.start_file("xl/worksheets/sheet1.xml", opts)
        .map_err(zip_err)?;
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#)?;
    if let Attack::RowsOutOfOrder { rows } = attack {
        // As Excel writes it: the chunks of a chunked read follow from it.
        write!(
            z,
            r#"<dimension ref="A1:{}{}"/>"#,
            col(titles.len() - 1),
            rows + 2
        )?;
    }
    z.write_all(br#"<sheetData><row r="1">"#)?;
    for (c, t) in titles.iter().enumerate() {
        write!(
            z,
            r#"<c r="{}1" t="inlineStr"><is><t>{t}</t></is></c>"#,
            col(c)
        )?;
    }
    z.write_all(b"</row>")?;
    match attack {
        Attack::InlineCell { chars } => {
            z.write_all(br#"<row r="3"><c r="A3" t="inlineStr"><is><t>"#)?;
            repeat(&mut z, "长", chars)?;
            z.write_all(b"</t></is></c></row>")?;
        }
        Attack::SharedCell { .. } => {
            z.write_all(br#"<row r="3"><c r="A3" t="s"><v>0</v></c></row>"#)?;
        }
        Attack::ManyCells { rows, .. } => {
            for r in 3..3 + rows {
                write!(z, r#"<row r="{r}">"#)?;
                for c in 0..titles.len() {
                    write!(z, r#"<c r="{}{r}" t="s"><v>0</v></c>"#, col(c))?;
                }
                z.write_all(b"</row>")?;
            }
        }
        Attack::RowsOutOfOrder { rows } => {
            for r in (5..3 + rows).chain(3..5) {
                write!(
                    z,
                    r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{r}</t></is></c></row>"#
                )?;
            }
        }
    }
    z.write_all(b"</sheetData></worksheet>")?;
    Ok(z.finish().map_err(zip_err)?.into_inner())
}
