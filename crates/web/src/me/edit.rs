//! /me/edit: the person changes their own contact and study/work details
//! (`tuanjian_app::me::details`); name, ID number and the membership fields are not on the form.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use tuanjian_app::me::details::{self, DetailsChange};
use tuanjian_domain::own_details::{OWN_DETAIL_FIELDS, OwnDetailsInput};
use tuanjian_domain::{Education, MemberField, Occupation};

use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::members::FaultItem;
use crate::members::form::{FieldView, Section};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "me_edit.html")]
struct EditPage {
    nav: Option<Nav>,
    csrf: String,
    sections: Vec<Section>,
    /// Faults for no field on the form.
    general: Vec<String>,
    fault_count: usize,
}

/// The form's value of `field` (the select shows the label a stored code stands for).
fn value_of(input: &OwnDetailsInput, field: MemberField) -> String {
    input.get(field).unwrap_or_default().to_string()
}

fn options(field: MemberField) -> Vec<&'static str> {
    match field {
        MemberField::FullTimeEducation | MemberField::HighestEducation => Education::labels(),
        MemberField::Occupation => Occupation::labels(),
        _ => Vec::new(),
    }
}

fn hint(field: MemberField) -> &'static str {
    match field {
        MemberField::Phone => "11位手机号码",
        MemberField::WorkUnit => "在读学生填写学校和院系，工作的填写单位全称",
        _ => "",
    }
}

fn sections(input: &OwnDetailsInput, faults: &[FaultItem]) -> Vec<Section> {
    let error = |key: &str| {
        let msgs: Vec<&str> = faults
            .iter()
            .filter(|f| f.field.as_deref() == Some(key))
            .map(|f| f.message.as_str())
            .collect();
        (!msgs.is_empty()).then(|| msgs.join("；"))
    };
    let fields = OWN_DETAIL_FIELDS
        .iter()
        .map(|&f| FieldView {
            options: options(f),
            hint: hint(f),
            ..FieldView::plain(f.key(), f.label(), value_of(input, f), error(f.key()))
        })
        .collect();
    vec![Section {
        title: "联系方式和学习工作信息",
        fields,
    }]
}

fn render(
    user: &Signed,
    nav: Nav,
    input: &OwnDetailsInput,
    faults: &[FaultItem],
    status: StatusCode,
) -> PageResult {
    let on_form = |k: &str| OWN_DETAIL_FIELDS.iter().any(|f| f.key() == k);
    let page = EditPage {
        nav: Some(nav),
        csrf: user.session.csrf_token.clone(),
        sections: sections(input, faults),
        general: faults
            .iter()
            .filter(|f| f.field.as_deref().is_none_or(|k| !on_form(k)))
            .map(|f| f.message.clone())
            .collect(),
        fault_count: faults.len(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn form(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    let input = details::form(&state, &user).await?;
    let nav = super::nav(&state, &user).await?;
    render(&user, nav, &input, &[], StatusCode::OK)
}

/// Every field of the form is sent: an empty one clears it.
pub fn change_of(input: &OwnDetailsInput) -> DetailsChange {
    DetailsChange {
        set: OWN_DETAIL_FIELDS
            .iter()
            .map(|&f| (f, value_of(input, f)))
            .collect(),
        other: Vec::new(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(input): CsrfForm<OwnDetailsInput>,
) -> PageResult {
    match details::update(&state, &user, &change_of(&input)).await {
        Ok(_) => Ok(Redirect::to("/me?saved=1").into_response()),
        Err(e) => {
            let nav = super::nav(&state, &user).await?;
            match super::failure(e) {
                super::Shown::Fields(items) => {
                    render(&user, nav, &input, &items, StatusCode::UNPROCESSABLE_ENTITY)
                }
                super::Shown::Fault(f) if f.is_client_error() => {
                    let status = f.status();
                    let item = FaultItem {
                        code: f.code.to_string(),
                        field: f.field.map(str::to_string),
                        message: f.message,
                    };
                    render(&user, nav, &input, &[item], status)
                }
                super::Shown::Fault(f) => Err(PageError(f)),
            }
        }
    }
}
