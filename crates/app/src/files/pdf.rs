//! Is it a real PDF? The first bytes are `%PDF-`, it ends with `%%EOF`, the document's cross-reference and page
//! tree parse (lopdf, reading the metadata only: objects are not decoded), and it has at least
//! one page. A renamed HTML page, an image or a truncated file is refused.

use std::time::Duration;

use tuanjian_domain::ErrorCode;

use super::staged::Received;
use crate::context::App;
use crate::fault::Fault;

/// The kind of document an upload must be: what the refusal calls it and its code.
#[derive(Debug, Clone, Copy)]
pub struct Document {
    pub code: ErrorCode,
    /// As the message names it: 《入团志愿书》, 推优入党表.
    pub name: &'static str,
}

/// The fault of a file that is not a PDF, with why (`check`'s answer).
pub fn not_pdf(doc: Document, why: &str) -> Fault {
    Fault::new(
        doc.code,
        format!(
            "文件不是有效的 PDF（{why}）。请用扫描仪或手机扫描软件把{}保存为 PDF 后上传，不要只改文件的扩展名",
            doc.name
        ),
    )
    .field("file")
}

/// The number of pages of a PDF, or why it is not one (a short Chinese phrase).
pub fn check(bytes: &[u8]) -> Result<u32, &'static str> {
    if !bytes.starts_with(b"%PDF-") {
        return Err("文件开头不是 PDF 的标志");
    }
    // A PDF ends with `%%EOF` (within its last kilobyte, trailing bytes allowed): a file cut
    // short in transfer or by a scanner that failed half-way has none.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err("文件不完整，结尾缺少 PDF 的结束标志");
    }
    let meta = lopdf::Document::load_metadata_mem(bytes)
        .map_err(|_| "文件结构无法读取，可能已损坏或不完整")?;
    if meta.page_count == 0 {
        return Err("文件中没有任何页面");
    }
    Ok(meta.page_count)
}

/// The number of pages of a PDF, or the fault saying what is wrong with it.
pub fn pdf_pages(bytes: &[u8], doc: Document) -> Result<u32, Fault> {
    check(bytes).map_err(|why| not_pdf(doc, why))
}

/// How long a separate checker may take before the upload is refused.
const CHECKER_TIMEOUT: Duration = Duration::from_secs(30);

/// The page count of a received upload. With `Config::pdf_checker` (the server sets it to its
/// own binary, `tuanjian check-pdf FILE`) the check runs in a child process: the 20 MB buffer
/// lopdf parses from never enters the server's memory (issue 15: an upload may grow the server
/// by less than twice the file; mimalloc keeps freed large blocks per thread), and a hostile
/// file that makes the parser panic, loop or balloon costs that process only (killed after
/// `CHECKER_TIMEOUT`). Without one (tests, tools) the check runs here, off the async threads.
pub async fn pages_of(app: &App, file: &Received, doc: Document) -> Result<u32, Fault> {
    let Some(exe) = &app.config.pdf_checker else {
        let bytes = file.read().await?;
        return tokio::task::spawn_blocking(move || pdf_pages(&bytes, doc))
            .await
            .map_err(Fault::internal)?;
    };
    let run = tokio::process::Command::new(exe)
        .arg("check-pdf")
        .arg(file.path())
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(CHECKER_TIMEOUT, run)
        .await
        .map_err(|_| not_pdf(doc, "文件结构过于复杂，无法在规定时间内检查"))?
        .map_err(Fault::internal)?;
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    match out.status.code() {
        Some(0) => said.parse::<u32>().map_err(Fault::internal),
        // The checker's own answer: why the file is not a PDF.
        Some(2) if !said.is_empty() => Err(not_pdf(doc, &said)),
        // The parser panicked (Rust's 101) or the process was killed (memory): the file broke it.
        Some(101) | None => Err(not_pdf(doc, "文件结构无法读取，可能已损坏或不完整")),
        // Anything else is the checker's own trouble (it could not read the file …), not the file's.
        Some(other) => Err(Fault::internal(format!(
            "the PDF checker exited with {other}"
        ))),
    }
}

/// A minimal valid PDF of `pages` empty pages (what the tests upload).
#[cfg(test)]
pub(crate) fn minimal_pdf(pages: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
    ];
    for _ in 0..pages {
        objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".into());
    }
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARCHIVE: Document = Document {
        code: ErrorCode::ArchiveNotPdf,
        name: "《入团志愿书》",
    };

    fn pdf_pages(bytes: &[u8]) -> Result<u32, Fault> {
        super::pdf_pages(bytes, ARCHIVE)
    }

    #[test]
    fn a_real_pdf_is_counted() {
        assert_eq!(pdf_pages(&minimal_pdf(1)).unwrap(), 1);
        assert_eq!(pdf_pages(&minimal_pdf(3)).unwrap(), 3);
    }

    #[test]
    fn what_is_no_pdf_is_refused() {
        let code = |b: &[u8]| pdf_pages(b).unwrap_err().code;
        assert_eq!(
            code(b"<html><body>hi</body></html>"),
            ErrorCode::ArchiveNotPdf
        );
        assert_eq!(
            code(b"%PDF-1.4\n<html>not really</html>"),
            ErrorCode::ArchiveNotPdf
        );
        assert_eq!(
            code(b"%PDF-1.4\n<html>a page renamed</html>\n%%EOF\n"),
            ErrorCode::ArchiveNotPdf
        );
        assert_eq!(code(b""), ErrorCode::ArchiveNotPdf);
        assert_eq!(code(&minimal_pdf(0)), ErrorCode::ArchiveNotPdf);
        let whole = minimal_pdf(2);
        assert_eq!(code(&whole[..whole.len() / 2]), ErrorCode::ArchiveNotPdf);
    }
}
