//! The pages of 入团年龄特殊情况 (`tuanjian_app::age_cases`): the filing form on a branch, the
//! list (a province's 汇总 with 报团中央, 团中央's forwarded cases), one case with 团中央's
//! entry form and the return form, and the Excel download.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::age_cases::enter::{EnterInput, enter};
use tuanjian_app::age_cases::file::{CaseInput, file};
use tuanjian_app::age_cases::lists::{CaseList, Role, export, forward, list, return_case};
use tuanjian_app::age_cases::{admin_target_branch, case_view};
use tuanjian_app::members::{Failure, FaultItem};
use tuanjian_domain::enums::{Ethnicity, PoliticalStatus};
use tuanjian_store::age_cases::{AgeCase, AgeCaseStatus};
use tuanjian_store::orgs::Org;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::org_setup::beijing;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

async fn nav(state: &AppState, user: &Signed) -> Result<Option<Nav>, PageError> {
    let authority = role::required(state, user).await?;
    Ok(Some(Nav::for_authority(state, user, &authority).await?))
}

/// The form as typed (kept to show again with its faults).
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct CaseForm {
    name: String,
    id_number: String,
    phone: String,
    join_month: String,
    dev_number: String,
    statement: String,
}

impl CaseForm {
    fn input(&self, branch_id: i64) -> CaseInput {
        CaseInput {
            branch_id: Some(branch_id),
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            phone: self.phone.clone(),
            join_month: self.join_month.clone(),
            dev_number: self.dev_number.clone(),
            statement: self.statement.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "age_case_new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    branch: Org,
    form: CaseForm,
    errors: Vec<FaultItem>,
}

impl NewPage {
    fn error_for(&self, key: &str) -> Option<String> {
        FaultItem::messages_for(&self.errors, key)
    }

    fn general(&self) -> Vec<&str> {
        const FIELDS: [&str; 6] = [
            "name",
            "id_number",
            "phone",
            "join_month",
            "dev_number",
            "statement",
        ];
        FaultItem::messages_besides(&self.errors, &FIELDS)
    }
}

async fn render_new(
    state: &AppState,
    user: &Signed,
    branch_id: i64,
    form: CaseForm,
    errors: Vec<FaultItem>,
    status: StatusCode,
) -> PageResult {
    let branch = admin_target_branch(state, user, branch_id).await?;
    let page = NewPage {
        nav: nav(state, user).await?,
        csrf: user.session.csrf_token.clone(),
        branch,
        form,
        errors,
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub async fn new_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let id = parse_id(&raw)?;
    render_new(
        &state,
        &user,
        id,
        CaseForm::default(),
        vec![],
        StatusCode::OK,
    )
    .await
}

pub async fn new_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CaseForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    match file(&state, &user, &form.input(id)).await {
        Ok(case) => Ok(Redirect::to(&format!("/age-cases/{case}?done=filed")).into_response()),
        Err(Failure::Fields(items)) => {
            render_new(
                &state,
                &user,
                id,
                form,
                items,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Failure::Fault(f)) if matches!(f.status, 400 | 409) => {
            let status = f.status();
            render_new(&state, &user, id, form, vec![FaultItem::from(f)], status).await
        }
        Err(Failure::Fault(f)) => Err(PageError(f)),
    }
}

/// A case as a row of the list.
pub struct Row {
    pub c: AgeCase,
    pub filed_at: String,
    pub open: bool,
}

fn rows(l: &CaseList, open: AgeCaseStatus) -> Vec<Row> {
    l.cases
        .iter()
        .map(|c| Row {
            filed_at: beijing(c.filed_at),
            open: c.status == open,
            c: c.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "age_cases.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    title: &'static str,
    intro: &'static str,
    total: usize,
    rows: Vec<Row>,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    may_forward: bool,
    may_export: bool,
    /// The province (its cases 待汇总) and 团中央 (those 已报团中央) return from the list too.
    may_return: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    status: Option<String>,
    forwarded: Option<usize>,
    /// The case just returned from the list.
    returned: Option<i64>,
}

async fn render_list(
    state: &AppState,
    user: &Signed,
    status: Option<&str>,
    notice: Option<String>,
    error: Option<(String, StatusCode)>,
) -> PageResult {
    let l = list(state, user, status).await?;
    let (title, intro) = match l.role {
        Role::Central => (
            "入团年龄特殊情况（团中央统一录入）",
            "各省级团委报团中央的入团年龄特殊情况。核对说明后逐个录入：录入时不再按入团年龄规定拒绝，录入原因记入团员档案和操作记录；身份证号码、发展团员编号和号段仍按规定检查。",
        ),
        Role::Province => (
            "入团年龄特殊情况汇总",
            "因入团年龄问题无法录入系统的团员，由发展其入团的团组织或县级团委报送说明，在这里汇总：核对后勾选报团中央，由团中央统一录入。",
        ),
        Role::Filer => (
            "入团年龄特殊情况",
            "本组织及下级组织报送的入团年龄特殊情况及其办理状态。报送请在团员所在团支部的页面点“报送入团年龄特殊情况”。",
        ),
    };
    let open = match l.role {
        Role::Central => AgeCaseStatus::Forwarded,
        _ => AgeCaseStatus::Collecting,
    };
    let mut statuses = vec![("all", "全部")];
    statuses.extend(AgeCaseStatus::ALL.iter().map(|s| (s.code(), s.label())));
    let (error, code) = match error {
        Some((e, c)) => (Some(e), c),
        None => (None, StatusCode::OK),
    };
    let page = ListPage {
        nav: nav(state, user).await?,
        csrf: user.session.csrf_token.clone(),
        title,
        intro,
        total: l.total(),
        rows: rows(&l, open),
        status: l.status.map_or("all", AgeCaseStatus::code).to_string(),
        statuses,
        may_forward: l.role == Role::Province,
        may_export: l.role != Role::Filer,
        may_return: l.role != Role::Filer,
        notice,
        error,
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = code;
    Ok(res)
}

pub async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let notice = match (q.forwarded, q.returned) {
        (Some(n), _) => Some(format!("已将 {n} 份入团年龄特殊情况报团中央。")),
        // Named through the same scope check as the case's page, so an id out of scope
        // shows nothing.
        (None, Some(id)) => match case_view(&state, &user, id).await {
            Ok((c, _, _)) => Some(format!(
                "已退回“{}”的入团年龄特殊情况，退回意见已告知报送的组织。",
                c.name
            )),
            Err(_) => None,
        },
        (None, None) => None,
    };
    render_list(&state, &user, q.status.as_deref(), notice, None).await
}

/// `case` once per chosen case.
pub async fn forward_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "case")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    match forward(&state, &user, &ids).await {
        Ok(n) => Ok(Redirect::to(&format!("/age-cases?forwarded={n}")).into_response()),
        Err(f) if matches!(f.status, 400 | 409) => {
            let status = f.status();
            render_list(&state, &user, None, None, Some((f.message, status))).await
        }
        Err(f) => Err(PageError(f)),
    }
}

pub async fn export_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let (name, bytes) = export(&state, &user, q.status.as_deref()).await?;
    Ok(xlsx_response("age-cases.xlsx", &name, bytes))
}

#[derive(Template)]
#[template(path = "age_case.html")]
struct CasePage {
    nav: Option<Nav>,
    csrf: String,
    c: AgeCase,
    filed_at: String,
    may_enter: bool,
    may_return: bool,
    ethnicities: Vec<&'static str>,
    political: Vec<&'static str>,
    form: EnterForm,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseQuery {
    done: Option<String>,
}

async fn render_case(
    state: &AppState,
    user: &Signed,
    id: i64,
    form: EnterForm,
    notice: Option<&'static str>,
    error: Option<(String, StatusCode)>,
) -> PageResult {
    let (c, may_enter, may_return) = case_view(state, user, id).await?;
    let (error, code) = match error {
        Some((e, s)) => (Some(e), s),
        None => (None, StatusCode::OK),
    };
    let page = CasePage {
        nav: nav(state, user).await?,
        csrf: user.session.csrf_token.clone(),
        filed_at: beijing(c.filed_at),
        c,
        may_enter,
        may_return,
        ethnicities: Ethnicity::labels(),
        political: PoliticalStatus::labels(),
        form,
        notice,
        error,
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = code;
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<CaseQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("filed") => Some("已报送，等待省级团委汇总后报团中央。"),
        Some("entered") => Some("已录入：该团员已录入系统，录入原因已记入其档案。"),
        Some("returned") => Some("已退回。"),
        _ => None,
    };
    let form = EnterForm {
        political_status: "共青团员".into(),
        ..EnterForm::default()
    };
    render_case(&state, &user, parse_id(&raw)?, form, notice, None).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EnterForm {
    reason: String,
    ethnicity: String,
    political_status: String,
}

pub async fn enter_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<EnterForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let input = EnterInput {
        reason: form.reason.clone(),
        ethnicity: form.ethnicity.clone(),
        political_status: form.political_status.clone(),
    };
    match enter(&state, &user, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/age-cases/{id}?done=entered")).into_response()),
        Err(Failure::Fields(items)) => {
            let msg = Failure::summary(&items);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_case(&state, &user, id, form, None, Some((msg, status))).await
        }
        Err(Failure::Fault(f)) if matches!(f.status, 400 | 403 | 409) => {
            let status = f.status();
            render_case(&state, &user, id, form, None, Some((f.message, status))).await
        }
        Err(Failure::Fault(f)) => Err(PageError(f)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReturnForm {
    comment: String,
    /// `list` when sent from a row of the list: the answer goes back to the list.
    from: String,
}

pub async fn return_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ReturnForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let from_list = form.from == "list";
    match return_case(&state, &user, id, Some(&form.comment)).await {
        Ok(()) if from_list => {
            Ok(Redirect::to(&format!("/age-cases?returned={id}")).into_response())
        }
        Ok(()) => Ok(Redirect::to(&format!("/age-cases/{id}?done=returned")).into_response()),
        Err(f) if matches!(f.status, 400 | 403 | 409) => {
            let status = f.status();
            let e = Some((f.message, status));
            if from_list {
                return render_list(&state, &user, None, None, e).await;
            }
            render_case(&state, &user, id, EnterForm::default(), None, e).await
        }
        Err(f) => Err(PageError(f)),
    }
}
