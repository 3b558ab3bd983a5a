//! A branch's 团员教育评议 page: its admin records every member's grade on one form (or by
//! Excel, `sheet`) and submits; the direct superior certifies or returns it with a comment.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::beijing::beijing;
use tuanjian_app::reviews::decide::{certify, return_round};
use tuanjian_app::reviews::round::{BranchRound, GradeInput, save, show as show_uc, submit};
use tuanjian_domain::review::{
    Grade, ReviewYear, RoundState, UNREGISTERED_REASON_MAX, Unregistered,
};
use tuanjian_store::entry_faults::beijing_today;

use super::shown_on_page;
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// A member's row on the form: what is stored, or what was just typed when the form comes back
/// with a fault.
pub struct MemberRow {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub join_month: String,
    pub grade: String,
    pub choice: String,
    pub reason: String,
    pub grade_label: &'static str,
    pub choice_label: &'static str,
}

#[derive(Template)]
#[template(path = "reviews_branch.html")]
struct BranchPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org_id: i64,
    org_name: String,
    year: i32,
    years: Vec<i32>,
    state: RoundState,
    state_label: &'static str,
    comment: String,
    decided: String,
    graded: usize,
    rows: Vec<MemberRow>,
    editable: bool,
    may_record: bool,
    may_submit: bool,
    may_decide: bool,
    grades: Vec<(&'static str, &'static str)>,
    choices: Vec<(&'static str, &'static str)>,
    reason_max: usize,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RoundQuery {
    pub year: Option<String>,
    pub done: Option<String>,
}

fn notice_of(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("评议等次已保存。全部团员录入后，请点击“提交上级审核”。"),
        "imported" => Some("已从表格录入评议等次，请核对后提交上级审核。"),
        "submitted" => Some("已提交，等待上级组织审核认证。"),
        "certified" => Some("已审核认证，团员的本年度团籍注册已生成。"),
        "returned" => Some("已退回团支部，并附上退回意见。"),
        _ => None,
    }
}

/// Typed values to show again after a refused save, by person.
type Typed = Vec<GradeInput>;

pub(crate) async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
    typed: Option<&Typed>,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let r: BranchRound = show_uc(state, user, org_id, year).await?;
    let editable = r.editable();
    let rows: Vec<MemberRow> = r
        .members
        .iter()
        .map(|m| {
            let typed = typed.and_then(|t| t.iter().find(|i| i.person_id == m.person_id));
            let (grade, choice, reason) = match typed {
                Some(t) => (t.grade.clone(), t.choice.clone(), t.reason.clone()),
                None => (
                    m.grade.map(|g| g.code().to_string()).unwrap_or_default(),
                    m.choice.map(|c| c.code().to_string()).unwrap_or_default(),
                    m.reason.clone().unwrap_or_default(),
                ),
            };
            MemberRow {
                person_id: m.person_id,
                name: m.name.clone(),
                id_number: tuanjian_domain::IdNumber::parse(&m.id_number)
                    .map(|i| i.masked())
                    .unwrap_or_default(),
                join_month: m.join_month.clone().unwrap_or_default(),
                grade_label: m.grade.map_or("未评议", |g| g.label()),
                choice_label: m.choice.map_or("", |c| c.label()),
                grade,
                choice,
                reason,
            }
        })
        .collect();
    let graded = r.members.iter().filter(|m| m.grade.is_some()).count();
    let state_now = r.round.as_ref().map_or(RoundState::NotStarted, |x| x.state);
    let page = BranchPage {
        nav: Some(Nav::for_authority(state, user, &r.authority).await?),
        crumbs: OrgCrumbs::read(state, &r.authority, r.org.id, "团员教育评议").await?,
        csrf: user.session.csrf_token.clone(),
        org_id: r.org.id,
        org_name: r.org.full_name.clone(),
        year: r.year.get(),
        years: ReviewYear::choices(beijing_today())
            .iter()
            .map(|y| y.get())
            .collect(),
        state: state_now,
        state_label: state_now.label(),
        comment: r
            .round
            .as_ref()
            .and_then(|x| x.comment.clone())
            .unwrap_or_default(),
        decided: r
            .round
            .as_ref()
            .and_then(|x| {
                x.decided_at.map(|t| {
                    format!(
                        "{} {}",
                        x.decided_by_name.clone().unwrap_or_default(),
                        beijing(t)
                    )
                })
            })
            .unwrap_or_default(),
        graded,
        may_submit: editable && !rows.is_empty() && graded == rows.len(),
        rows,
        editable,
        may_record: r.may_record,
        may_decide: r.may_certify && state_now == RoundState::Submitted,
        grades: Grade::ALL.iter().map(|g| (g.code(), g.label())).collect(),
        choices: Unregistered::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        reason_max: UNREGISTERED_REASON_MAX,
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<RoundQuery>,
) -> PageResult {
    let notice = notice_of(q.done.as_deref());
    render(
        &state,
        &user,
        parse_id(&raw)?,
        q.year.as_deref(),
        None,
        notice,
        None,
    )
    .await
}

fn done(org_id: i64, year: i32, what: &str) -> PageResult {
    Ok(Redirect::to(&format!("/orgs/{org_id}/reviews?year={year}&done={what}")).into_response())
}

async fn refused(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    year: &str,
    typed: Option<&Typed>,
    f: Fault,
) -> PageResult {
    if !shown_on_page(&f) {
        return Err(PageError(f));
    }
    // A bad year cannot show the page of that year: show this year's with the message.
    let year = (f.field != Some("year")).then_some(year);
    let mut res = render(
        state,
        user,
        org_id,
        year,
        typed,
        None,
        Some(f.message.clone()),
    )
    .await?;
    *res.status_mut() = f.status();
    Ok(res)
}

/// The form repeats `person_id` and names each member's fields after them
/// (`grade_12`, `choice_12`, `reason_12`), so it is read as pairs. `fill=qualified` grades
/// every member left without a grade 合格 before saving.
pub async fn save_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let mut year = String::new();
    let mut fill = false;
    let mut inputs: Vec<GradeInput> = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "year" => year = v,
            "fill" => fill = v == "qualified",
            "person_id" => inputs.push(GradeInput {
                person_id: parse_id(&v)?,
                ..GradeInput::default()
            }),
            _ => fields.push((k, v)),
        }
    }
    for (k, v) in fields {
        let Some((name, id)) = k.rsplit_once('_') else {
            continue;
        };
        let Ok(id) = id.parse::<i64>() else { continue };
        let Some(i) = inputs.iter_mut().find(|i| i.person_id == id) else {
            continue;
        };
        match name {
            "grade" => i.grade = v,
            "choice" => i.choice = v,
            "reason" => i.reason = v,
            _ => {}
        }
    }
    if fill {
        for i in inputs.iter_mut().filter(|i| i.grade.trim().is_empty()) {
            i.grade = Grade::Qualified.code().to_string();
        }
    }
    match save(&state, &user, org_id, &year, &inputs).await {
        Ok(r) => done(org_id, r.year, "saved"),
        Err(f) => refused(&state, &user, org_id, &year, Some(&inputs), f).await,
    }
}

#[derive(Deserialize)]
pub struct YearForm {
    #[serde(default)]
    year: String,
}

pub async fn submit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<YearForm>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    match submit(&state, &user, org_id, &form.year).await {
        Ok(r) => done(org_id, r.year, "submitted"),
        Err(f) => refused(&state, &user, org_id, &form.year, None, f).await,
    }
}

pub async fn certify_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<YearForm>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    match certify(&state, &user, org_id, &form.year).await {
        Ok((r, _)) => done(org_id, r.year, "certified"),
        Err(f) => refused(&state, &user, org_id, &form.year, None, f).await,
    }
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    comment: String,
}

pub async fn return_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ReturnForm>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    match return_round(&state, &user, org_id, &form.year, &form.comment).await {
        Ok(r) => done(org_id, r.year, "returned"),
        Err(f) => refused(&state, &user, org_id, &form.year, None, f).await,
    }
}
