//! What every page request passes through for its frame: the page's path for the menu's
//! current item, and error pages drawn with the signed-in person's header and menu. A fault
//! page is rendered where the fault arises (a handler, an extractor's rejection, the
//! fallback, `friendly_errors`), which does not know who asked; this layer does, and renders
//! it again. JSON answers under /api/ pass untouched.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::auth::role;
use crate::auth::user::signed_by_token;
use crate::pages::error::{ShownFault, render_fault_for};
use crate::pages::nav::{Nav, with_page_path};
use crate::state::AppState;

pub async fn page_frame(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/api/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let token = cookies::get(&parts.headers, cookies::SESSION).map(str::to_string);
    let addr = client_addr(&parts, &state.config);
    let res = with_page_path(path.clone(), next.run(Request::from_parts(parts, body))).await;
    let (Some(ShownFault(fault)), Some(token)) = (res.extensions().get::<ShownFault>(), token)
    else {
        return res;
    };
    let fault = fault.clone();
    // Whatever fails here (the database the fault may be about) leaves the page as it was.
    let Ok(Some(nav)) = with_page_path(path, signed_nav(&state, &token, addr)).await else {
        return res;
    };
    let again = render_fault_for(&fault, Some(nav));
    let (mut head, _) = res.into_parts();
    head.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(head, again.into_body())
}

/// The header of the session behind `token`, as its pages show it: with the menu of the role it
/// acts in while that role holds, else the plain one.
async fn signed_nav(
    state: &AppState,
    token: &str,
    addr: std::net::IpAddr,
) -> Result<Option<Nav>, crate::error::Fault> {
    let Some(signed) = signed_by_token(state, token, addr).await? else {
        return Ok(None);
    };
    if signed.must_change_password() {
        return Ok(Some(Nav::plain(&signed)));
    }
    Ok(Some(match role::current(state, &signed).await? {
        Some(authority) => Nav::for_authority(state, &signed, &authority).await?,
        None => Nav::plain(&signed),
    }))
}
