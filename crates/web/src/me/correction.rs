//! /me/correction: the member asks the province to correct their own 姓名 or 身份证号码
//! (`tuanjian_app::me::correction`); the page lists their earlier requests with their state.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use tuanjian_app::beijing::beijing;
use tuanjian_app::me::correction;
use tuanjian_store::corrections::{Correction, CorrectionInput};

use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::parse_id;
use crate::members::FaultItem;
use crate::pages::error::{PageError, PageResult};
use crate::state::AppState;

pub struct CorrectionLine {
    pub id: i64,
    pub what: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub requested_at: String,
    pub approver: String,
    pub comment: String,
    /// Filed by the person themself and still waiting: they may take it back.
    pub withdrawable: bool,
}

impl CorrectionLine {
    pub fn new(c: &Correction, person_id: i64) -> Self {
        let mut what = Vec::new();
        if let Some(n) = &c.changes.name {
            what.push(format!("姓名更正为“{n}”"));
        }
        if let Some(id) = &c.changes.id_number {
            what.push(format!("身份证号码更正为 {id}"));
        }
        Self {
            id: c.id,
            what: what.join("，"),
            status: c.status.label(),
            status_code: c.status.code(),
            requested_at: beijing(c.requested_at),
            approver: c.approver_full_name.clone(),
            comment: c.comment.clone().unwrap_or_default(),
            withdrawable: c.is_pending() && c.requested_by == person_id,
        }
    }
}

#[derive(Template)]
#[template(path = "me_correction.html")]
struct CorrectionPage {
    nav: Option<crate::pages::nav::Nav>,
    csrf: String,
    name: String,
    id_number: String,
    form: CorrectionInput,
    errors: Vec<FaultItem>,
    earlier: Vec<CorrectionLine>,
}

impl CorrectionPage {
    fn error_for(&self, key: &str) -> Option<String> {
        let msgs: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field.as_deref() == Some(key))
            .map(|e| e.message.as_str())
            .collect();
        (!msgs.is_empty()).then(|| msgs.join("；"))
    }

    fn general(&self) -> Vec<String> {
        const ON_FORM: [&str; 3] = ["new_name", "new_id_number", "reason"];
        self.errors
            .iter()
            .filter(|e| e.field.as_deref().is_none_or(|k| !ON_FORM.contains(&k)))
            .map(|e| e.message.clone())
            .collect()
    }
}

async fn render(
    state: &AppState,
    user: &Signed,
    form: CorrectionInput,
    errors: Vec<FaultItem>,
    status: StatusCode,
) -> PageResult {
    let earlier = correction::mine(state, user).await?;
    let page = CorrectionPage {
        nav: Some(super::nav(state, user).await?),
        csrf: user.session.csrf_token.clone(),
        name: user.person.name.clone(),
        id_number: user.person.id_number.to_string(),
        form,
        errors,
        earlier: earlier
            .iter()
            .map(|c| CorrectionLine::new(c, user.person.id))
            .collect(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn form(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    render(
        &state,
        &user,
        CorrectionInput::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(input): CsrfForm<CorrectionInput>,
) -> PageResult {
    match correction::request(&state, &user, &input).await {
        Ok(_) => Ok(Redirect::to("/me/requests?filed=correction").into_response()),
        Err(e) => match super::failure(e) {
            super::Shown::Fields(items) => {
                render(
                    &state,
                    &user,
                    input,
                    items,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            super::Shown::Fault(f) if f.is_client_error() => {
                let status = f.status();
                let item = FaultItem {
                    code: f.code.to_string(),
                    field: f.field.map(str::to_string),
                    message: f.message,
                };
                render(&state, &user, input, vec![item], status).await
            }
            super::Shown::Fault(f) => Err(PageError(f)),
        },
    }
}

#[derive(serde::Deserialize)]
pub struct Empty {}

/// Takes back a request the person filed for themself; back to the list.
pub async fn withdraw(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    correction::withdraw(&state, &user, parse_id(&raw)?)
        .await
        .map_err(PageError)?;
    Ok(Redirect::to("/me/requests").into_response())
}
