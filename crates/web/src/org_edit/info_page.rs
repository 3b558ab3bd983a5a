//! GET and POST /orgs/{id}/info: the organisation's information (完善组织信息), its 书记,
//! completeness, the pending request with its decision buttons, and the form to change it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::org_info::INDUSTRIES;
use tuanjian_domain::{Action, InfoForm, OrgKind};
use tuanjian_store::org_changes::{InfoChanges, Submitted, field_label};
use tuanjian_store::orgs::Org;

use crate::auth::csrf::CsrfForm;
use crate::auth::role::{self, Authority};
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::org_edit::view::{self, InfoView};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::org_edit::access::{self, Mode, edit_mode, require};
use tuanjian_app::org_edit::input::{
    FULL_NAME_MAX, FieldError, InfoInput, PERSON_NAME_MAX, SHORT_NAME_MAX,
};
use tuanjian_app::org_edit::save::{SaveError, save};

/// One input of the form.
pub struct InputView {
    pub key: &'static str,
    pub label: &'static str,
    pub input_type: &'static str,
    pub inputmode: &'static str,
    pub maxlength: usize,
    pub value: String,
    pub error: Option<String>,
}

/// A choice in a select: (value, label, selected).
type Choice = (String, String, bool);

#[derive(Template)]
#[template(path = "edit_info.html")]
struct InfoPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    view: InfoView,
    notices: Vec<String>,
    alert: Option<String>,
    /// The form is shown to the own admin and the direct superior's admin.
    form_shown: bool,
    superior: bool,
    /// Names, kind and industry in the form: the superior changes them, the own admin asks
    /// for them (not at the root, which has nobody to approve).
    identity: bool,
    /// No superior to wait for (the root organisation).
    no_superior: bool,
    names: Vec<InputView>,
    kind_choices: Vec<Choice>,
    kind_error: Option<String>,
    industry_shown: bool,
    industry_choices: Vec<Choice>,
    industry_error: Option<String>,
    inputs: Vec<InputView>,
    secretary_inputs: Vec<InputView>,
    comment_error: Option<String>,
}

/// What a re-rendered page carries besides the stored state.
#[derive(Default)]
pub struct Extras {
    pub notices: Vec<String>,
    pub alert: Option<String>,
    pub input: Option<InfoInput>,
    pub errors: Vec<FieldError>,
    pub comment_error: Option<String>,
    pub status: Option<StatusCode>,
}

/// (type, inputmode, maxlength): the browser stops typing where the server's checks would.
fn input_kind(key: &str) -> (&'static str, &'static str, usize) {
    match key {
        "email" => ("email", "email", 100),
        "phone" | "secretary_phone" => ("tel", "tel", 20),
        "admin_staff_quota"
        | "admin_staff_actual"
        | "career_staff_quota"
        | "career_staff_actual" => ("text", "numeric", 6),
        "secretary_id_number" => ("text", "text", 18),
        "short_name" => ("text", "text", SHORT_NAME_MAX),
        "full_name" => ("text", "text", FULL_NAME_MAX),
        _ => ("text", "text", PERSON_NAME_MAX),
    }
}

/// The organisation kinds to choose from, `value` (a kind's code) selected.
fn kind_choices(value: &str) -> Vec<Choice> {
    OrgKind::ALL
        .into_iter()
        .map(|k| {
            let selected = OrgKind::parse(value).ok() == Some(k);
            (
                k.code().to_string(),
                format!("{}（{}）", k.label(), k.code()),
                selected,
            )
        })
        .collect()
}

/// The 行业类别 to choose from, `value` (a code or a label) selected.
fn industry_choices(value: &str) -> Vec<Choice> {
    INDUSTRIES
        .iter()
        .map(|i| {
            (
                i.code.to_string(),
                i.label.to_string(),
                i.code == value || i.label == value,
            )
        })
        .collect()
}

pub async fn render(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    org: &Org,
    extras: Extras,
) -> PageResult {
    let (view, info) = view::build(state, authority, org).await?;
    let mode = edit_mode(authority, org).ok();
    let current = InfoChanges::current(org, &info);
    let error_of = |key: &str| {
        extras
            .errors
            .iter()
            .find(|e| e.field == key)
            .map(|e| e.message.clone())
    };
    // Shown values: what was typed when re-rendering after an error, else what is stored.
    let value_of = |key: &str| -> String {
        if let Some(input) = &extras.input {
            return input.get(key).unwrap_or("").to_string();
        }
        // The 书记's ID number is shown masked; sent back unchanged it means "the same".
        if key == "secretary_id_number" {
            current.display(key)
        } else {
            current.get(key)
        }
        .unwrap_or_default()
    };
    let make = |key: &'static str| {
        let (input_type, inputmode, maxlength) = input_kind(key);
        InputView {
            key,
            label: field_label(key),
            input_type,
            inputmode,
            maxlength,
            value: value_of(key),
            error: error_of(key),
        }
    };
    let form = InfoForm::of(org.class());
    let inputs = form
        .required()
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| *k != "industry" && !k.starts_with("secretary_"))
        .map(make)
        .collect();
    let secretary_inputs = ["secretary_name", "secretary_id_number", "secretary_phone"]
        .into_iter()
        .map(make)
        .collect();
    let superior = mode == Some(Mode::Superior);
    let identity = superior || (mode == Some(Mode::Own) && org.parent_id.is_some());
    let names = if identity {
        vec![make("short_name"), make("full_name")]
    } else {
        vec![]
    };
    let kind_choices = kind_choices(&value_of("kind"));
    let industry_choices = industry_choices(&value_of("industry"));
    let mut notices = extras.notices;
    if mode == Some(Mode::Own) && !view.complete {
        notices.push(format!(
            "请完善组织信息：还需填写{}。",
            view.missing.join("、")
        ));
    }
    let page = InfoPage {
        crumbs: OrgCrumbs::read(state, authority, org.id, "组织信息").await?,
        nav: Some(Nav::for_authority(state, user, authority).await?),
        csrf: user.session.csrf_token.clone(),
        form_shown: mode.is_some(),
        superior,
        identity,
        no_superior: org.parent_id.is_none(),
        names,
        kind_choices,
        kind_error: error_of("kind"),
        industry_shown: identity && form.asks("industry"),
        industry_choices,
        industry_error: error_of("industry"),
        inputs,
        secretary_inputs,
        comment_error: extras.comment_error,
        notices,
        alert: extras.alert,
        view,
    };
    let mut res = Html(page.render()?).into_response();
    if let Some(s) = extras.status {
        *res.status_mut() = s;
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InfoQuery {
    applied: Option<String>,
    waiting: Option<String>,
    pending: Option<i64>,
    nothing: Option<String>,
    decided: Option<String>,
}

fn labels(keys: &str) -> String {
    keys.split(',')
        .map(field_label)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("、")
}

fn notices_of(q: &InfoQuery) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(keys) = &q.applied {
        let l = labels(keys);
        if !l.is_empty() {
            out.push(format!("已保存并立即生效：{l}。"));
        }
    }
    if let (Some(keys), Some(id)) = (&q.waiting, q.pending) {
        let l = labels(keys);
        if !l.is_empty() {
            out.push(format!(
                "以下修改已提交直属上级组织的管理员审批（申请编号 {id}），审批通过后生效：{l}。"
            ));
        }
    }
    if q.nothing.is_some() {
        out.push("没有需要保存的修改：填写的内容与现有信息相同。".into());
    }
    match q.decided.as_deref() {
        Some("approved") => out.push("已审批通过，修改已生效。".into()),
        Some("returned") => out.push("已退回该申请，本组织管理员会看到退回意见。".into()),
        Some("withdrawn") => out.push("已撤回信息修改申请。".into()),
        _ => {}
    }
    out
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw_id): Path<String>,
    PageQuery(q): PageQuery<InfoQuery>,
) -> PageResult {
    let id = parse_id(&raw_id)?;
    let authority = role::required(&state, &user).await?;
    let org = access::viewable(&state, &user, &authority, id).await?;
    let extras = Extras {
        notices: notices_of(&q),
        ..Extras::default()
    };
    render(&state, &user, &authority, &org, extras).await
}

/// Where to go after a save: the page again, saying what took effect and what waits.
fn after_save(org_id: i64, done: &Submitted) -> String {
    let mut url = format!("/orgs/{org_id}/info?");
    if done.applied.is_empty() && done.pending.is_empty() {
        url.push_str("nothing=1");
        return url;
    }
    let mut parts = Vec::new();
    if !done.applied.is_empty() {
        parts.push(format!("applied={}", done.applied.join(",")));
    }
    if let Some(id) = done.pending_change_id {
        parts.push(format!("waiting={}&pending={id}", done.pending.join(",")));
    }
    url.push_str(&parts.join("&"));
    url
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw_id): Path<String>,
    CsrfForm(input): CsrfForm<InfoInput>,
) -> PageResult {
    let id = parse_id(&raw_id)?;
    let authority = role::required(&state, &user).await?;
    let org = access::target(&state, &user, &authority, id).await?;
    match save(&state, &user, &authority, &org, &input).await {
        Ok(done) => Ok(Redirect::to(&after_save(org.id, &done)).into_response()),
        Err(SaveError::Fields(errors)) => {
            let extras = Extras {
                alert: Some("填写的内容有误，请按提示修改后重新提交；没有保存任何内容。".into()),
                input: Some(input),
                errors,
                status: Some(StatusCode::BAD_REQUEST),
                ..Extras::default()
            };
            render(&state, &user, &authority, &org, extras).await
        }
        Err(SaveError::Fault(f)) => {
            rerender_fault(&state, &user, &authority, &org, f, Some(input)).await
        }
    }
}

/// Shows a refusal or conflict on the page itself (with the input kept), except faults that
/// mean the page cannot be shown at all.
pub async fn rerender_fault(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    org: &Org,
    f: Fault,
    input: Option<InfoInput>,
) -> PageResult {
    let status = f.status();
    if !status.is_client_error() || status == StatusCode::NOT_FOUND {
        return Err(PageError(f));
    }
    if require(Action::View, authority, org).is_err() {
        return Err(PageError(f));
    }
    let mut extras = Extras {
        alert: Some(format!("{}（没有保存任何内容）", f.message)),
        input,
        status: Some(status),
        ..Extras::default()
    };
    match f.field {
        Some("comment") => extras.comment_error = Some(f.message.clone()),
        Some(field) => extras.errors.push(FieldError {
            field,
            code: f.code,
            message: f.message.clone(),
        }),
        None => {}
    }
    render(state, user, authority, org, extras).await
}
