//! POST /orgs/{id}/changes/{change_id}/approve | return | withdraw: deciding a pending
//! information change from the information page.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::org_edit::{access, decide};
use tuanjian_store::org_changes::Decision;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::PageUser;
use crate::extract::parse_id;
use crate::org_edit::info_page::rerender_fault;
use crate::pages::error::PageResult;
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    comment: String,
}

async fn handle(
    state: AppState,
    user: crate::auth::user::Signed,
    (raw_id, raw_change): (String, String),
    form: DecisionForm,
    decision: Decision,
) -> PageResult {
    let id = parse_id(&raw_id)?;
    let change_id = parse_id(&raw_change)?;
    let authority = role::required(&state, &user).await?;
    let org = access::target(&state, &user, &authority, id).await?;
    match decide::decide(
        &state,
        &user,
        &authority,
        &org,
        change_id,
        decision,
        Some(&form.comment),
    )
    .await
    {
        Ok(()) => {
            let word = match decision {
                Decision::Approve => "approved",
                Decision::Return => "returned",
                Decision::Withdraw => "withdrawn",
            };
            Ok(Redirect::to(&format!("/orgs/{}/info?decided={word}", org.id)).into_response())
        }
        Err(f) => rerender_fault(&state, &user, &authority, &org, f, None).await,
    }
}

pub async fn approve(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(ids): Path<(String, String)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    handle(state, user, ids, form, Decision::Approve).await
}

pub async fn return_change(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(ids): Path<(String, String)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    handle(state, user, ids, form, Decision::Return).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(ids): Path<(String, String)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    handle(state, user, ids, form, Decision::Withdraw).await
}
