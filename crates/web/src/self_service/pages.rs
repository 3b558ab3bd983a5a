//! The self-service pages: the three anonymous forms (they sign the applicant in), the
//! application page the applicant and the branch's admin share, the applicant's list, an
//! organisation's list, and the correction form.

use std::sync::LazyLock;

use super::picker::PickerView;
use super::view::{
    self, ApplyForm, FieldValue, Group, Mode, Row, StageView, StepView, field_values, history,
};
use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::auth::csrf::{CsrfForm, csrf_fault, parse_form, read_body, same_token};
use crate::auth::role;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::org_admin::fmt_time;
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::org_admin::search::provinces;
use tuanjian_app::self_service::lists::{self, OrgApplications, to_correct};
use tuanjian_app::self_service::{ApplyError, Suggestion, Viewer, review, submit as submission};
use tuanjian_domain::self_service::{
    ApplicationKind, ApplicationStatus, JoinStage, REGISTER_BEFORE_YEAR, join_age_range,
    register_rule,
};
use tuanjian_store::applications::{Admission, Application};
use tuanjian_store::orgs::Org;
use tuanjian_store::sessions::{SessionKind, random_token};

/// The intros that state a rule's numbers, built once from them (`self_service`).
static REGISTER_INTRO: LazyLock<String> = LazyLock::new(|| {
    format!(
        "适用于组织管理员尚未录入系统的团员：选择所在团支部并填写个人和团籍信息，提交后由该团支部的管理员审核。\
         {}；{REGISTER_BEFORE_YEAR}年及以后入团的团员由团支部管理员录入。",
        register_rule()
    )
});
static JOIN_INTRO: LazyLock<String> = LazyLock::new(|| {
    format!(
        "适用于要求入团的青少年（{}）：选择要加入的团支部并填写个人信息。\
         团支部按“申请入团 → 入团积极分子 → 发展对象 → 团员”逐步办理，您可随时登录查看进度。",
        join_age_range()
    )
});

/// What each way in says about itself on its form.
fn intro(kind: ApplicationKind) -> &'static str {
    match kind {
        ApplicationKind::Register => REGISTER_INTRO.as_str(),
        ApplicationKind::Join => JOIN_INTRO.as_str(),
        ApplicationKind::Report => {
            "适用于离开团籍所在地、尚未在系统中注册的团员：向现在所在地的团支部报到，\
             由该团支部的管理员审核，通过后编入该团支部。"
        }
    }
}

fn path_of(kind: ApplicationKind) -> &'static str {
    match kind {
        ApplicationKind::Register => "/register/member",
        ApplicationKind::Join => "/join",
        ApplicationKind::Report => "/report",
    }
}

#[derive(Template)]
#[template(path = "self_apply.html")]
struct ApplyPage {
    nav: Option<Nav>,
    csrf: String,
    kind: &'static str,
    title: &'static str,
    intro: &'static str,
    action: String,
    correcting: bool,
    id_number_masked: String,
    groups: Vec<Group>,
    error: Option<String>,
    faults: Vec<Fault>,
    suggestions: Vec<Suggestion>,
    /// Registering as a cadre who is not a member: an organisation of any level may be chosen.
    any_level: bool,
    signed_in_as: Option<String>,
    /// The branch picker's current step (the anonymous forms).
    picker: Option<PickerView>,
    /// The form offers the picker (the anonymous forms; a correction keeps its branch).
    may_pick: bool,
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    kind: ApplicationKind,
    mode: Mode,
    form: &ApplyForm,
    error: Option<&ApplyError>,
    user: Option<&Signed>,
    action: String,
    id_number_masked: String,
    picker: Option<PickerView>,
) -> Result<(StatusCode, String), PageError> {
    let provinces = provinces(state).await?;
    let title = match (mode, kind) {
        (Mode::Correct, _) => "修改后重新提交",
        (_, k) => k.label(),
    };
    let groups = view::groups(kind, mode, form, &provinces, error);
    let page = ApplyPage {
        nav: user.map(Nav::plain),
        csrf: match user {
            Some(u) if mode == Mode::Correct => u.session.csrf_token.clone(),
            _ => form.csrf.clone(),
        },
        kind: kind.code(),
        title,
        intro: intro(kind),
        action,
        correcting: mode == Mode::Correct,
        id_number_masked,
        faults: in_form_order(&groups, error.map(|e| e.faults.clone()).unwrap_or_default()),
        groups,
        error: error.map(|e| e.fault.message.clone()),
        suggestions: view::suggestion_rows(error),
        any_level: kind == ApplicationKind::Register && form.register_as.trim() == "cadre",
        signed_in_as: user.map(|u| u.person.name.clone()),
        picker,
        may_pick: mode == Mode::New,
    };
    let status = error.map_or(StatusCode::OK, |e| e.fault.status());
    Ok((status, page.render()?))
}

/// The faults as the form lists them above its fields: those of no field first, then in the
/// order of the fields they concern (the list links to each).
fn in_form_order(groups: &[Group], mut faults: Vec<Fault>) -> Vec<Fault> {
    let position = |f: &Fault| {
        f.field.and_then(|k| {
            groups
                .iter()
                .flat_map(|g| &g.fields)
                .position(|v| v.key == k)
        })
    };
    faults.sort_by_key(|f| position(f).map_or(0, |p| p + 1));
    faults
}

/// The anonymous form, with the login page's double-submit CSRF cookie. Never stored: it may
/// hold the passwords typed.
async fn anonymous_page(
    state: &AppState,
    kind: ApplicationKind,
    form: ApplyForm,
    error: Option<&ApplyError>,
    user: Option<&Signed>,
    picker: Option<PickerView>,
) -> PageResult {
    let (status, html) = render_form(
        state,
        kind,
        Mode::New,
        &form,
        error,
        user,
        path_of(kind).to_string(),
        String::new(),
        picker,
    )
    .await?;
    Ok((
        status,
        AppendHeaders([
            (
                SET_COOKIE,
                cookies::set(cookies::LOGIN_CSRF, &form.csrf, state.config.secure_cookies),
            ),
            (CACHE_CONTROL, "no-store".to_string()),
        ]),
        Html(html),
    )
        .into_response())
}

async fn show(state: AppState, kind: ApplicationKind, req: Request) -> PageResult {
    let csrf =
        cookies::get(req.headers(), cookies::LOGIN_CSRF).map_or_else(random_token, str::to_string);
    let (mut parts, _) = req.into_parts();
    let user = <PageUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await
    .ok()
    .map(|PageUser(u)| u);
    let form = ApplyForm {
        csrf,
        ..ApplyForm::default()
    };
    anonymous_page(&state, kind, form, None, user.as_ref(), None).await
}

async fn submit(state: AppState, kind: ApplicationKind, req: Request) -> PageResult {
    let (parts, body) = req.into_parts();
    let addr = client_addr(&parts, &state.config);
    let cookie_csrf = cookies::get(&parts.headers, cookies::LOGIN_CSRF).map(str::to_string);
    let (headers, bytes) = read_body(Request::from_parts(parts, body)).await?;
    let form: ApplyForm = parse_form(&headers, &bytes)?;
    // Double submit, as on the login page: there is no session yet.
    let Some(csrf) = cookie_csrf.filter(|c| same_token(c, &form.csrf)) else {
        return Err(PageError(csrf_fault()));
    };
    // A step of the branch picker: the form again, everything typed kept.
    if !form.pick.trim().is_empty() {
        let (form, picker) = super::picker::step(&state, kind, form).await?;
        let form = ApplyForm { csrf, ..form };
        return anonymous_page(&state, kind, form, None, None, Some(picker)).await;
    }
    let fields = form.fields();
    match submission::submit(
        &state,
        addr,
        kind,
        &fields,
        &form.password,
        Some(&form.confirm),
        SessionKind::Web,
    )
    .await
    {
        Ok((token, id)) => Ok((
            AppendHeaders([
                (
                    SET_COOKIE,
                    cookies::set(cookies::SESSION, &token, state.config.secure_cookies),
                ),
                (
                    SET_COOKIE,
                    cookies::clear(cookies::LOGIN_CSRF, state.config.secure_cookies),
                ),
            ]),
            Redirect::to(&format!("/applications/{id}?done=submitted")),
        )
            .into_response()),
        Err(e) if e.fault.is_client_error() => {
            let form = ApplyForm { csrf, ..form };
            anonymous_page(&state, kind, form, Some(&e), None, None).await
        }
        Err(e) => Err(PageError(e.fault)),
    }
}

pub async fn register_page(State(state): State<AppState>, req: Request) -> PageResult {
    show(state, ApplicationKind::Register, req).await
}
pub async fn register_submit(State(state): State<AppState>, req: Request) -> PageResult {
    submit(state, ApplicationKind::Register, req).await
}
pub async fn join_page(State(state): State<AppState>, req: Request) -> PageResult {
    show(state, ApplicationKind::Join, req).await
}
pub async fn join_submit(State(state): State<AppState>, req: Request) -> PageResult {
    submit(state, ApplicationKind::Join, req).await
}
pub async fn report_page(State(state): State<AppState>, req: Request) -> PageResult {
    show(state, ApplicationKind::Report, req).await
}
pub async fn report_submit(State(state): State<AppState>, req: Request) -> PageResult {
    submit(state, ApplicationKind::Report, req).await
}

// ---------------------------------------------------------------------------------------------
// One application.

#[derive(Template)]
#[template(path = "self_application.html")]
struct ApplicationPage {
    nav: Option<Nav>,
    csrf: String,
    app: Row,
    kind: &'static str,
    org_id: i64,
    province_name: String,
    comment: Option<String>,
    decided: Option<String>,
    applicant: bool,
    may_decide: bool,
    may_withdraw: bool,
    may_resubmit: bool,
    is_join: bool,
    stages: Vec<StageView>,
    /// The next 我要入团 stage, for the admin's button.
    next_stage: Option<(&'static str, &'static str)>,
    values: Vec<FieldValue>,
    steps: Vec<StepView>,
    notice: Option<&'static str>,
    error: Option<String>,
    faults: Vec<Fault>,
    admission: Admission,
    typed_comment: String,
}

impl ApplicationPage {
    fn error_for(&self, key: &str) -> Option<&str> {
        self.faults
            .iter()
            .find(|f| f.field == Some(key))
            .map(|f| f.message.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

fn notice_for(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "submitted" => {
            "申请已提交，等待团支部管理员审核。以后请用身份证号码和刚才设置的密码登录，在“我的申请”中查看进度。"
        }
        "resubmitted" => "申请已修改并重新提交，等待团支部管理员审核。",
        "withdrawn" => "申请已撤回。需要时可以修改后重新提交。",
        "approved" => "已审核通过：申请人已编入本团支部，可用身份证号码和自己设置的密码登录。",
        "returned" => "已退回，申请人可以看到退回意见。",
        "advanced" => "已进入下一阶段。",
        "member" => "已发展为团员：申请人已编入本团支部。",
        _ => return None,
    })
}

#[derive(Default)]
struct Typed {
    admission: Admission,
    comment: String,
}

async fn render_application(
    state: &AppState,
    user: &Signed,
    app: Application,
    viewer: &Viewer,
    notice: Option<&'static str>,
    error: Option<&ApplyError>,
    typed: Typed,
) -> PageResult {
    let (applicant, may_decide) = match viewer {
        Viewer::Applicant => (true, false),
        Viewer::Admin { may_decide, .. } => (false, *may_decide),
    };
    let may_decide = may_decide && app.status == ApplicationStatus::Pending;
    let nav = match role::current(state, user).await? {
        Some(a) => Nav::for_authority(state, user, &a).await?,
        None => Nav::plain(user),
    };
    let next_stage = match (app.kind, app.stage, app.status) {
        (ApplicationKind::Join, Some(s), ApplicationStatus::Pending) => {
            s.next().map(|n| (n.code(), n.label()))
        }
        _ => None,
    };
    let page = ApplicationPage {
        nav: Some(nav),
        csrf: user.session.csrf_token.clone(),
        kind: app.kind.code(),
        org_id: app.org_id,
        province_name: app.province_name.clone(),
        comment: app.comment.clone(),
        decided: app.decided_at.map(|t| {
            format!(
                "{}{}",
                app.decided_by_name.clone().unwrap_or_default(),
                format_args!("，{}", fmt_time(t))
            )
        }),
        applicant,
        may_decide,
        may_withdraw: applicant && app.status.may_withdraw(),
        may_resubmit: applicant && app.status.may_resubmit(),
        is_join: app.kind == ApplicationKind::Join,
        stages: view::stages(&app),
        next_stage,
        values: field_values(&app, applicant || may_decide),
        steps: history(&app),
        app: Row::new(&app),
        notice,
        error: error.map(|e| e.fault.message.clone()),
        faults: error.map(|e| e.faults.clone()).unwrap_or_default(),
        admission: typed.admission,
        typed_comment: typed.comment,
    };
    let status = error.map_or(StatusCode::OK, |e| e.fault.status());
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    let (app, viewer) = review::visible(&state, &user, parse_id(&raw)?).await?;
    render_application(
        &state,
        &user,
        app,
        &viewer,
        notice_for(q.done.as_deref()),
        None,
        Typed::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    comment: String,
    to: String,
    join_month: String,
    dev_number: String,
}

/// After an action: back to the page with a notice, or the page again with the fault when it
/// is something to fix (bad input, a conflict); refusals get the error page.
async fn after(
    state: &AppState,
    user: &Signed,
    id: i64,
    result: Result<Application, ApplyError>,
    done: &str,
    typed: Typed,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}?done={done}")).into_response()),
        Err(e) if matches!(e.fault.status, 400 | 409) => {
            let (app, viewer) = review::visible(state, user, id).await?;
            render_application(state, user, app, &viewer, None, Some(&e), typed).await
        }
        Err(e) => Err(PageError(e.fault)),
    }
}

pub async fn approve_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let r = review::approve(&state, &user, id, Some(&form.comment)).await;
    let typed = Typed {
        comment: form.comment,
        ..Typed::default()
    };
    after(&state, &user, id, r, "approved", typed).await
}

pub async fn return_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let r = review::return_application(&state, &user, id, Some(&form.comment)).await;
    let typed = Typed {
        comment: form.comment,
        ..Typed::default()
    };
    after(&state, &user, id, r, "returned", typed).await
}

pub async fn advance_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let admission = Admission {
        join_month: form.join_month,
        dev_number: form.dev_number,
    };
    let r = review::advance(
        &state,
        &user,
        id,
        Some(&form.to),
        &admission,
        Some(&form.comment),
    )
    .await;
    let done = if form.to == JoinStage::Member.code() {
        "member"
    } else {
        "advanced"
    };
    let typed = Typed {
        admission,
        comment: form.comment,
    };
    after(&state, &user, id, r, done, typed).await
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn withdraw_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let r = review::withdraw(&state, &user, id).await;
    after(&state, &user, id, r, "withdrawn", Typed::default()).await
}

/// The applicant's correction form.
pub async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let (app, province) = to_correct(&state, &user, parse_id(&raw)?).await?;
    let form = ApplyForm::from_application(&app, province);
    correction_form(&state, &user, &app, &form, None).await
}

async fn correction_form(
    state: &AppState,
    user: &Signed,
    app: &Application,
    form: &ApplyForm,
    error: Option<&ApplyError>,
) -> PageResult {
    let (status, html) = render_form(
        state,
        app.kind,
        Mode::Correct,
        form,
        error,
        Some(user),
        format!("/applications/{}/resubmit", app.id),
        app.id_number.masked(),
        None,
    )
    .await?;
    Ok((status, Html(html)).into_response())
}

pub async fn resubmit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ApplyForm>,
) -> PageResult {
    let (app, viewer) = review::visible(&state, &user, parse_id(&raw)?).await?;
    if !matches!(viewer, Viewer::Applicant) {
        return Err(PageError(Fault::not_found()));
    }
    match review::resubmit(&state, &user, app.id, &form.fields()).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/applications/{}?done=resubmitted", app.id)).into_response())
        }
        Err(e) if matches!(e.fault.status, 400 | 409) => {
            correction_form(&state, &user, &app, &form, Some(&e)).await
        }
        Err(e) => Err(PageError(e.fault)),
    }
}

// ---------------------------------------------------------------------------------------------
// Lists.

#[derive(Template)]
#[template(path = "self_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    rows: Vec<Row>,
}

pub async fn mine(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    let apps = lists::mine(&state, &user).await?;
    let nav = match role::current(&state, &user).await? {
        Some(a) => Nav::for_authority(&state, &user, &a).await?,
        None => Nav::plain(&user),
    };
    let page = MinePage {
        nav: Some(nav),
        rows: apps.iter().map(Row::new).collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "self_org.html")]
struct OrgPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    org: Org,
    rows: Vec<Row>,
    status: &'static str,
    tabs: Vec<(&'static str, &'static str)>,
    total: i64,
    page: i64,
    pages: i64,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::api::query::optional_int")]
    #[param(schema_with = crate::api::query::page_schema)]
    pub page: Option<i64>,
}

fn status_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::api::query::one_of_or_empty(
        "Only applications in this state; empty or absent for all.",
        ApplicationStatus::ALL.iter().map(|s| s.code()),
    )
}

pub async fn org_list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let OrgApplications {
        org, status, page, ..
    } = lists::of_org(&state, &user, parse_id(&raw)?, q.status.as_deref(), q.page).await?;
    let authority = role::required(&state, &user).await?;
    let mut tabs = vec![("", "全部")];
    tabs.extend(ApplicationStatus::ALL.iter().map(|s| (s.code(), s.label())));
    let view = OrgPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        crumbs: OrgCrumbs::read(&state, &authority, org.id, "注册、入团和报到申请").await?,
        org,
        rows: page.items.iter().map(Row::new).collect(),
        status: status.map_or("", |s| s.code()),
        tabs,
        total: page.total,
        page: page.page,
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
    };
    Ok(Html(view.render()?).into_response())
}
