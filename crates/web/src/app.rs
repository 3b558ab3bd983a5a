//! The router: pages, API, operations, static files, and the layers every request passes.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tuanjian_domain::ErrorCode;

use crate::error::{ApiError, Fault};
use crate::ops::{health, metrics_http as metrics};
use crate::pages::{account, error::render_fault, home, login, orgs};
use crate::state::AppState;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

async fn follow_writes(req: axum::extract::Request, next: middleware::Next) -> Response {
    tuanjian_store::replica::reads_follow_writes(next.run(req)).await
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/password", get(account::show).post(account::submit))
        .route("/role", post(home::switch))
        .route("/orgs/{id}", get(orgs::show))
        .merge(crate::api::router())
        .merge(crate::pages::assets::routes())
        // Organisation management (issue 3), one module per area:
        // creation, codes, admin registration, school code, completion
        .merge(crate::org_setup::routes())
        // information, change requests and their approval, history
        .merge(crate::org_edit::routes())
        // admins, migration, deletion, search, approval inbox
        .merge(crate::org_admin::routes())
        // Members and cadres (issue 4): records and lists, 号段, self-service ways in
        .merge(crate::members::routes())
        .merge(crate::leaving::routes())
        .merge(crate::reviews::routes())
        .merge(crate::dues::routes())
        // 对标定级 (issue 16)
        .merge(crate::star_ratings::routes())
        .merge(crate::recommendations::routes())
        .merge(crate::dev_ranges::routes())
        .merge(crate::graduation::routes())
        .merge(crate::self_service::routes())
        .merge(crate::reset::routes())
        // Excel import and export of members and cadres (issue 5)
        .merge(crate::member_import::routes())
        .merge(crate::transfers::routes())
        // 个人中心 (issue 12): the signed-in person's own record and requests
        .merge(crate::me::routes())
        // 入团年龄特殊情况 (issue 13, seed question 4)
        .merge(crate::age_cases::routes())
        // 统计 (issue 14)
        .merge(crate::statistics::routes())
        // 团员电子档案 (issue 15, part 3)
        .merge(crate::archives::routes())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .fallback(not_found)
        .layer(middleware::from_fn(friendly_errors))
        // Outside `friendly_errors`, so the pages it gives a body keep the header too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::pages::frame::page_frame,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(CatchPanicLayer::custom(|_| {
            render_fault(&Fault::internal("panic"))
        }))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // A refused upload leaves its body unread, so the connection cannot carry another
        // request; saying so stops clients from reusing it and failing the next request.
        .layer(SetResponseHeaderLayer::overriding(
            header::CONNECTION,
            |res: &Response| {
                (res.status() == StatusCode::PAYLOAD_TOO_LARGE)
                    .then(|| HeaderValue::from_static("close"))
            },
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Outermost: the person a request acts for, once its session is read, for the read
        // replica's read-your-writes (store::replica).
        .layer(middleware::from_fn(follow_writes))
        .with_state(state)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

async fn not_found(req: Request) -> Response {
    let fault = Fault::new(
        ErrorCode::NotFound,
        "您访问的地址不存在，请检查网址是否正确",
    );
    if is_api(req.uri().path()) {
        ApiError(fault).into_response()
    } else {
        render_fault(&fault)
    }
}

/// Gives a Chinese body to the errors axum and tower produce without one (405, 413, 415 …).
async fn friendly_errors(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.headers().contains_key(header::CONTENT_TYPE)
    {
        return res;
    }
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedContentType,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        s if s.is_server_error() => ErrorCode::InternalError,
        _ => ErrorCode::BadRequest,
    };
    let message = match code {
        ErrorCode::NotFound => "您访问的地址不存在",
        ErrorCode::InternalError => "服务器内部错误，请稍后重试",
        other => other.message(),
    };
    let fault = Fault::with_status(status.as_u16(), code, message);
    let mut out = if api {
        ApiError(fault).into_response()
    } else {
        render_fault(&fault)
    };
    // Keep headers such as Allow on 405.
    for (k, v) in res.headers() {
        out.headers_mut().entry(k).or_insert(v.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use tower::ServiceExt;

    use super::*;

    /// Any bare client error (here 408, from a layer with no body of its own) gets the general
    /// `bad_request` answer; the API's as JSON.
    #[tokio::test]
    async fn a_bare_client_error_is_a_bad_request() {
        let app: Router = Router::new()
            .route(
                "/api/v1/slow",
                get(|| async { StatusCode::REQUEST_TIMEOUT }),
            )
            .layer(middleware::from_fn(friendly_errors));
        let res = app
            .oneshot(Request::get("/api/v1/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
        let body = to_bytes(res.into_body(), 64 * 1024).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], "bad_request");
    }

    /// The style sheet is written by several hands (and merged): every block closes, so no
    /// rule after an unclosed `@media` silently applies only at that width.
    #[test]
    fn every_style_block_closes() {
        let mut depth = 0i32;
        let mut rest = crate::pages::assets::CSS;
        while let Some(start) = rest.find("/*") {
            let (code, tail) = rest.split_at(start);
            for c in code.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                assert!(depth >= 0, "a '}}' without its '{{' in app.css");
            }
            let end = tail.find("*/").expect("a comment in app.css is not closed");
            rest = &tail[end + 2..];
        }
        for c in rest.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        assert_eq!(depth, 0, "app.css leaves {depth} block(s) open");
    }
}
