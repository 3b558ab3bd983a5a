use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tuanjian_store::StoreError;

use crate::auth::user::PageRejection;
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::pages::nav::Nav;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    nav: Option<Nav>,
    title: &'a str,
    code: &'a str,
    message: &'a str,
}

/// A fault rendered as an HTML page with the right status.
#[derive(Debug)]
pub struct PageError(pub Fault);

pub fn render_fault(f: &Fault) -> Response {
    let title = match f.status() {
        StatusCode::NOT_FOUND => "页面不存在",
        StatusCode::FORBIDDEN => "无权操作",
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁",
        s if s.is_server_error() => "服务器出错",
        _ => "请求有误",
    };
    let page = ErrorPage {
        nav: None,
        title,
        code: f.code.as_str(),
        message: &f.message,
    };
    match page.render() {
        Ok(html) => (f.status(), Html(html)).into_response(),
        Err(_) => (f.status(), f.message.clone()).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        render_fault(&self.0)
    }
}

impl From<Fault> for PageError {
    fn from(f: Fault) -> Self {
        PageError(f)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError(e.into())
    }
}

impl From<anyhow::Error> for PageError {
    fn from(e: anyhow::Error) -> Self {
        PageError(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(Fault::internal(e))
    }
}

pub type PageResult = Result<Response, PageError>;

/// A page request turned away: to the login page, to the password change, or an error page.
impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::Login => Redirect::to("/login?expired=1").into_response(),
            PageRejection::ChangePassword => Redirect::to("/password").into_response(),
            PageRejection::Fault(f) => PageError(f).into_response(),
        }
    }
}
