//! What is kept is a real PDF of at most 20 MB: anything else is refused with what to do, and
//! nothing is stored.

use reqwest::StatusCode;

use super::*;
use crate::support::members::World;
use tuanjian_domain::archive::ARCHIVE_MAX_BYTES;

both_databases!(
    not_pdfs_are_refused,
    too_large_is_refused,
    the_largest_is_kept
);

async fn not_pdfs_are_refused(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "新团员", "2024-03", 1).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    let fake = b"%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n";
    let whole = pdf(2, 100);
    let cut = &whole[..whole.len() - 40];
    for (name, bytes) in [
        ("scan.png", &png[..]),
        ("renamed.pdf", &html[..]),
        ("faked.pdf", &fake[..]),
        ("cut.pdf", cut),
        ("nopages.pdf", &pdf(0, 0)[..]),
    ] {
        let (status, body) = upload(&t.branch, m.id, name, bytes).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "archive_not_pdf"),
            "{name}: {body}"
        );
        assert_eq!(body["error"]["field"], "file");
        assert!(body["error"]["message"].as_str().unwrap().contains("PDF"));
    }
    let (status, body) = upload(&t.branch, m.id, "empty.pdf", b"").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "archive_empty")
    );
    // No file field at all.
    let res = t
        .branch
        .http
        .post(app.url(&at(m.id, "archive")))
        .bearer_auth(t.branch.token.as_deref().unwrap())
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(code(&body), "file_missing");
    assert_eq!(stored(&app).await, (0, 0));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM member_archives").await, 0);
    assert_eq!(app.audit_count("member.archive.upload").await, 0);
}

async fn too_large_is_refused(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 2, "大文件团员", "2024-03", 1).await;
    // One byte over, still a PDF: refused as it streams, before any check of its content.
    let big = pdf(1, ARCHIVE_MAX_BYTES as usize + 1);
    let (status, body) = upload(&t.branch, m.id, "big.pdf", &big).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "archive_too_large"),
        "{body}"
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("20 MB"));
    // Far over the route's body limit too.
    let huge = vec![b'%'; 30 * 1024 * 1024];
    let (status, body) = upload(&t.branch, m.id, "huge.pdf", &huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(stored(&app).await, (0, 0));
}

async fn the_largest_is_kept(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 3, "整20MB", "2024-03", 1).await;
    // Exactly 20 MB: the padding's length and the offsets take a few more digits than at 0.
    let max = ARCHIVE_MAX_BYTES as usize;
    let padding = max - pdf(1, 0).len() - 20;
    let padding = padding + max - pdf(1, padding).len();
    let exact = pdf(1, padding);
    assert_eq!(exact.len(), max);
    let (status, body) = upload(&t.branch, m.id, "max.pdf", &exact).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["file"]["size"], exact.len());
    // In chunks of 1 MiB.
    assert_eq!(stored(&app).await, (1, 20));
    let (status, bytes) = {
        let res = t
            .branch
            .http
            .get(app.url(&at(m.id, "archive/file")))
            .bearer_auth(t.branch.token.as_deref().unwrap())
            .send()
            .await
            .unwrap();
        (res.status(), res.bytes().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(bytes[..] == exact[..], "the download is the upload");
}
