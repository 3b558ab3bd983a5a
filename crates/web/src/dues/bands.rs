//! A province's 团费 bands: shown to its admins, set by the provincial committee's own admin.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::dues::bands::{set, view};
use tuanjian_domain::dues::{BandsInput, DuesBands};

use super::pages::bands_line;
use super::shown_on_page;
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dues_bands.html")]
struct BandsPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org_id: i64,
    org_name: String,
    line: String,
    defaults: String,
    input: BandsInput,
    may_set: bool,
    fault_field: &'static str,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    typed: Option<BandsInput>,
    fault: Option<(&'static str, String)>,
    notice: Option<&'static str>,
) -> PageResult {
    let v = view(state, user, org_id).await?;
    let authority = tuanjian_app::authority::required(state, user).await?;
    let (fault_field, error) = match fault {
        Some((f, m)) => (f, Some(m)),
        None => ("", None),
    };
    let page = BandsPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, v.org.id, "团费收缴标准").await?,
        csrf: user.session.csrf_token.clone(),
        org_id: v.org.id,
        org_name: v.org.full_name.clone(),
        line: bands_line(&v.bands.bands, v.bands.customised),
        defaults: bands_line(&DuesBands::default(), false),
        input: typed.unwrap_or_else(|| BandsInput::from_bands(&v.bands.bands)),
        may_set: v.may_set,
        fault_field,
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    let notice = (q.done.as_deref() == Some("saved"))
        .then_some("团费收缴标准已保存，此后记录的月份按新标准计算应缴金额。");
    render(&state, &user, parse_id(&raw)?, None, None, notice).await
}

pub async fn save_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<BandsInput>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    match set(&state, &user, org_id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{org_id}/dues/bands?done=saved")).into_response()),
        Err(f) if shown_on_page(&f) => {
            let mut res = render(
                &state,
                &user,
                org_id,
                Some(form),
                Some((f.field.unwrap_or(""), f.message.clone())),
                None,
            )
            .await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}
