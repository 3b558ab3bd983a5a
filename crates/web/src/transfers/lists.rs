//! 办理转出 / 办理转入: the scope's requests, waiting or done; the waiting ones at the
//! viewer's step are ticked and approved a page at once.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::Fault;
use tuanjian_app::transfers::{decide, lists as list_uc};
use tuanjian_domain::ErrorCode;
use tuanjian_domain::transfer::TransferStatus;
use tuanjian_store::transfers::{Side, TransferFilter};

use super::api::{filter_of, side_of};
use super::form::Choice;
use super::{TransferRow, shown_status};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::PageQuery;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct ListRow {
    pub t: TransferRow,
    /// The viewer may tick it for the page's approval.
    pub actionable: bool,
}

#[derive(Template)]
#[template(path = "transfer_list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    /// out or in
    side: &'static str,
    /// pending or done
    state: &'static str,
    org_full_name: String,
    org_id: i64,
    rows: Vec<ListRow>,
    total: i64,
    page: i64,
    pages: i64,
    /// The receiving side chooses a branch for the page when its organisation is not one.
    branches: Vec<Choice>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    side: Option<String>,
    state: Option<String>,
    page: Option<i64>,
    /// How many requests the last action started or decided.
    done: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    q: &ListQuery,
    error: Option<Fault>,
) -> PageResult {
    let side = side_of(q.side.as_deref())?;
    let filter = filter_of(q.state.as_deref())?;
    let page_no = q.page.unwrap_or(1).max(1);
    let list = list_uc::list(state, user, side, filter, page_no, list_uc::PER_PAGE).await?;
    let scope = super::admin_org(state, user).await?;
    let stage = match side {
        Side::Out => TransferStatus::PendingOut,
        Side::In => TransferStatus::PendingIn,
    };
    let rows = list
        .items
        .iter()
        .map(|t| ListRow {
            actionable: shown_status(t) == stage
                && match side {
                    Side::Out => t.from_org_id.is_some(),
                    Side::In => t.to_org_id.is_some(),
                },
            t: TransferRow::new(t),
        })
        .collect::<Vec<_>>();
    let branches = if side == Side::In && !scope.kind.is_branch() {
        state
            .store
            .branches_under(&scope.path, tuanjian_app::transfers::view::BRANCH_CHOICES)
            .await?
            .into_iter()
            .map(|b| Choice {
                value: b.id.to_string(),
                label: b.full_name,
                selected: false,
            })
            .collect()
    } else {
        vec![]
    };
    let notice = q
        .done
        .as_deref()
        .and_then(|n| n.parse::<i64>().ok())
        .map(|n| match side {
            Side::Out => format!("已办理 {n} 项转接。"),
            Side::In => format!("已审批通过 {n} 项转接。"),
        });
    let page = ListPage {
        nav: Some(super::nav(state, user).await?),
        csrf: user.session.csrf_token.clone(),
        side: if side == Side::Out { "out" } else { "in" },
        state: if filter == TransferFilter::Pending {
            "pending"
        } else {
            "done"
        },
        org_full_name: scope.full_name.clone(),
        org_id: scope.id,
        rows,
        total: list.total,
        page: list.page,
        pages: ((list.total + list.per_page - 1) / list.per_page).max(1),
        branches,
        notice,
        error: error.map(|e| e.message),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    render(&state, &user, &q, None).await
}

fn ticked(pairs: &[(String, String)]) -> Result<Vec<i64>, Fault> {
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.trim().parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            Fault::bad_request(ErrorCode::FormInvalid, "所选转接有误，请刷新页面后重新勾选")
        })?;
    if ids.is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            "请先勾选要审批的转接，再点「审批通过」",
        ));
    }
    Ok(ids)
}

async fn after(
    state: &AppState,
    user: &Signed,
    side: &str,
    outcome: Result<usize, Fault>,
) -> PageResult {
    match outcome {
        Ok(n) => Ok(Redirect::to(&format!("/transfers?side={side}&done={n}")).into_response()),
        Err(e) if matches!(e.status, 400 | 409) => {
            let q = ListQuery {
                side: Some(side.into()),
                ..ListQuery::default()
            };
            let status = e.status();
            let mut res = render(state, user, &q, Some(e)).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn approve_out_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let outcome = match ticked(&pairs) {
        Ok(ids) => decide::approve_out(&state, &user, &ids)
            .await
            .map(|o| o.len()),
        Err(e) => Err(e),
    };
    after(&state, &user, "out", outcome).await
}

pub async fn approve_in_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let branch_id = pairs
        .iter()
        .find(|(k, _)| k == "branch_id")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let outcome = match ticked(&pairs) {
        Ok(ids) => {
            let items: Vec<(i64, Option<i64>)> = ids.iter().map(|id| (*id, branch_id)).collect();
            decide::approve_in(&state, &user, &items)
                .await
                .map(|d| d.len())
        }
        Err(e) => Err(e),
    };
    after(&state, &user, "in", outcome).await
}
