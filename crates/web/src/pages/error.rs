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
    /// What kind of trouble it is and what to do, by status: a refusal is a permission matter,
    /// not the input's.
    hint: &'a str,
}

/// A fault rendered as an HTML page with the right status.
#[derive(Debug)]
pub struct PageError(pub Fault);

/// The fault a page answered with, kept on the response so `frame::page_frame` can render it
/// again with the signed-in person's header and menu.
#[derive(Debug, Clone)]
pub struct ShownFault(pub Fault);

/// The fault's page without a header (the renderer does not know who asked); `page_frame` adds
/// the signed-in header.
pub fn render_fault(f: &Fault) -> Response {
    let mut res = render_fault_for(f, None);
    res.extensions_mut().insert(ShownFault(f.clone()));
    res
}

/// The fault's page with the given header.
pub fn render_fault_for(f: &Fault, nav: Option<Nav>) -> Response {
    let (title, hint) = match f.status() {
        StatusCode::NOT_FOUND => (
            "页面不存在",
            "请检查网址；不在您管理范围内的组织和人员也显示为不存在。可以从菜单或首页重新进入。",
        ),
        StatusCode::FORBIDDEN => (
            "无权操作",
            "这是权限问题，不是填写的内容有误：您当前的身份不能办理这项业务，上面说明了由谁办理。请联系有权限的管理员，或回到“我的身份”切换到能办理的身份。",
        ),
        StatusCode::TOO_MANY_REQUESTS => ("操作过于频繁", "请稍等片刻再试。"),
        s if s.is_server_error() => (
            "服务器出错",
            "这不是您的操作有误，请稍后重试；如果一直出现，请联系系统管理员。",
        ),
        _ => (
            "请求有误",
            "请按上面的提示修改填写的内容，使用浏览器的“返回”按钮回到上一页修改后重试。",
        ),
    };
    let page = ErrorPage {
        nav,
        title,
        code: f.code.as_str(),
        message: &f.message,
        hint,
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
