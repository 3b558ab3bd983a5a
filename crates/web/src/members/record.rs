//! The record page of a member (or cadre): every field, sex and birth date from the ID number,
//! posts held, corrections filed; and the edit form of every field but 姓名 and 身份证号码
//! (`tuanjian_app::members::record`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::members::FaultItem;
use tuanjian_app::members::record::{corrections, detail, edit, may, require};
use tuanjian_domain::member_record::MemberInput;
use tuanjian_domain::{Action, CadreNature, Education, Ethnicity, Occupation, PoliticalStatus};
use tuanjian_store::member_detail::{MemberDetail, PersonFields, PostHeld, label};
use tuanjian_store::scope::AdminScope;

use super::Failure;
use super::entry::INITIAL_PASSWORD_NOTICE;
use super::form::{Faults, Section, fault_message, faulty_fields, member_sections};
use crate::auth::csrf::CsrfForm;
use crate::auth::role::Authority;
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::org_setup::beijing;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct CorrectionRow {
    pub id: i64,
    pub summary: String,
    pub status: &'static str,
    pub requested_at: String,
}

#[derive(Template)]
#[template(path = "members_record.html")]
struct RecordPage {
    nav: Option<Nav>,
    person_id: i64,
    name: String,
    id_number: String,
    /// (label, value) of the personal fields.
    personal: Vec<(&'static str, String)>,
    /// Branch id, full name, and (label, value) of the membership fields.
    branch: Option<(i64, String)>,
    membership: Vec<(&'static str, String)>,
    fault: Option<String>,
    posts: Vec<(i64, String, String, String)>,
    corrections: Vec<CorrectionRow>,
    notice: Option<String>,
    can_edit: bool,
    can_correct: bool,
    /// 生成密码重置码 (the reset page decides for someone who only holds posts).
    can_reset: bool,
}

#[derive(Deserialize)]
pub struct RecordQuery {
    created: Option<String>,
    saved: Option<String>,
    corrected: Option<String>,
}

fn or_dash(v: &Option<String>) -> String {
    v.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".into())
}

fn dash(s: String) -> String {
    if s.is_empty() { "—".into() } else { s }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<RecordQuery>,
) -> PageResult {
    let (scope, d) = detail(&state, &user, parse_id(&raw)?).await?;
    let (branch, membership, fault) = membership_rows(&d);
    let page = RecordPage {
        nav: Some(Nav::for_authority(&state, &user, &Authority::Admin(scope.clone())).await?),
        person_id: d.person.person_id,
        name: d.person.name.clone(),
        id_number: d.person.id_number.to_string(),
        personal: personal_rows(&d.person),
        branch,
        membership,
        fault,
        posts: post_rows(&d.posts),
        corrections: correction_rows(&state, &scope, &d).await?,
        notice: notice(&q, &d.person),
        can_edit: may(&scope, &d, Action::EditMember),
        can_correct: may(&scope, &d, Action::RequestCorrection),
        can_reset: d.membership.is_none() || may(&scope, &d, Action::IssueResetCode),
    };
    Ok(Html(page.render()?).into_response())
}

/// (label, value) of the personal fields.
fn personal_rows(p: &PersonFields) -> Vec<(&'static str, String)> {
    vec![
        ("性别", p.id_number.sex().label().to_string()),
        (
            "出生日期",
            p.id_number.birth_date().format("%Y-%m-%d").to_string(),
        ),
        ("民族", dash(label(&p.ethnicity, Ethnicity::parse))),
        (
            "政治面貌",
            dash(label(&p.political_status, PoliticalStatus::parse)),
        ),
        ("手机号码", or_dash(&p.phone)),
        ("电子邮箱", or_dash(&p.email)),
        ("QQ号", or_dash(&p.qq)),
        ("微信号", or_dash(&p.wechat)),
        (
            "全日制学历",
            dash(label(&p.full_time_education, Education::parse)),
        ),
        (
            "最高学历",
            dash(label(&p.highest_education, Education::parse)),
        ),
        ("职业", dash(label(&p.occupation, Occupation::parse))),
        ("学习工作单位", or_dash(&p.work_unit)),
        ("户籍所在地", or_dash(&p.household_place)),
        ("身份认证状态", p.identity_status.label().to_string()),
        (
            "账号状态",
            if p.initial_password {
                "尚未修改初始密码（初始密码为身份证号码后8位）".to_string()
            } else {
                "已启用".to_string()
            },
        ),
    ]
}

/// The branch (id, full name), (label, value) of the membership fields, and the entry rule the
/// stored record breaks, if any.
#[allow(clippy::type_complexity)]
fn membership_rows(
    d: &MemberDetail,
) -> (
    Option<(i64, String)>,
    Vec<(&'static str, String)>,
    Option<String>,
) {
    match &d.membership {
        Some(m) => (
            Some((m.org_id, m.org_full_name.clone())),
            vec![
                ("入团年月", or_dash(&m.join_month)),
                ("发展团员编号", or_dash(&m.dev_number)),
                ("团籍状态", m.status.label().to_string()),
                ("入团时所在单位", or_dash(&m.join_unit)),
                (
                    "是否递交入党申请书",
                    if m.party_applied { "是" } else { "否" }.to_string(),
                ),
                ("递交入党申请书年月", or_dash(&m.party_applied_month)),
                ("入党年月", or_dash(&m.party_join_month)),
                ("收入", or_dash(&m.income)),
                ("团员证编号", or_dash(&m.card_number)),
            ]
            .into_iter()
            // 入团年龄特殊情况: 团中央 entered the member with this reason.
            .chain(
                m.age_exception
                    .iter()
                    .map(|r| ("团中央统一录入原因（入团年龄特殊情况）", r.clone())),
            )
            .collect(),
            m.entry_fault.as_deref().map(fault_message),
        ),
        None => (None, Vec::new(), None),
    }
}

/// Each post: organisation id, full name, post and a line of its particulars.
fn post_rows(posts: &[PostHeld]) -> Vec<(i64, String, String, String)> {
    posts
        .iter()
        .map(|x| {
            let nature = x
                .nature
                .as_deref()
                .and_then(|c| CadreNature::parse(c).ok())
                .map(|n| n.label())
                .unwrap_or("");
            (
                x.org_id,
                x.org_full_name.clone(),
                x.post.clone(),
                format!(
                    "{}{}{}",
                    x.post_since
                        .as_deref()
                        .map(|s| format!("任现职 {s}"))
                        .unwrap_or_default(),
                    if nature.is_empty() {
                        String::new()
                    } else {
                        format!(" · {nature}")
                    },
                    if x.party_committee {
                        " · 同级党委（支部）成员"
                    } else {
                        ""
                    }
                ),
            )
        })
        .collect()
}

/// The corrections of a member the admin may see.
async fn correction_rows(
    state: &AppState,
    scope: &AdminScope,
    d: &MemberDetail,
) -> Result<Vec<CorrectionRow>, Fault> {
    Ok(corrections(state, scope, d)
        .await?
        .into_iter()
        .map(|c| CorrectionRow {
            id: c.id,
            summary: super::correction_line::summary(&c),
            status: c.status.label(),
            requested_at: beijing(c.requested_at),
        })
        .collect())
}

/// What the page says after the change that led to it.
fn notice(q: &RecordQuery, p: &PersonFields) -> Option<String> {
    if q.created.is_some() {
        // The entry's only warning (an address code missing from the table) is worth repeating.
        let warning = p.id_number.address_warning().unwrap_or_default();
        // The admin sees the whole ID number anyway: spelling out the initial password saves
        // counting digits when telling the member. A person who already had an account (a
        // member made a cadre) keeps it.
        Some(if p.initial_password {
            format!(
                "已录入。{INITIAL_PASSWORD_NOTICE}本人的初始密码是 {}。{warning}",
                p.id_number.initial_password()
            )
        } else {
            format!("已录入。此人已有账号，继续用原密码登录。{warning}")
        })
    } else if q.saved.is_some() {
        Some("已保存。".to_string())
    } else if q.corrected.is_some() {
        Some("更正申请已提交，等待省级团委审核；审核结果可在本页“更正申请”中查看。".to_string())
    } else {
        None
    }
}

#[derive(Template)]
#[template(path = "members_edit.html")]
struct EditPage {
    nav: Option<Nav>,
    csrf: String,
    person_id: i64,
    name: String,
    branch_name: String,
    can_correct: bool,
    sections: Vec<Section>,
    general: Vec<String>,
    faulty: Vec<(&'static str, &'static str)>,
    fault_count: usize,
}

async fn render_edit(
    state: &AppState,
    user: &Signed,
    scope: AdminScope,
    d: &MemberDetail,
    input: &MemberInput,
    faults: &Faults,
    status: StatusCode,
) -> PageResult {
    let mut input = input.clone();
    // Name and ID number are shown as stored, whatever was posted.
    input.profile.name = d.person.name.clone();
    input.profile.id_number = d.person.id_number.to_string();
    let sections = member_sections(&input, faults, true);
    let page = EditPage {
        nav: Some(Nav::for_authority(state, user, &Authority::Admin(scope.clone())).await?),
        csrf: user.session.csrf_token.clone(),
        person_id: d.person.person_id,
        name: d.person.name.clone(),
        branch_name: d
            .membership
            .as_ref()
            .map(|m| m.org_full_name.clone())
            .unwrap_or_default(),
        can_correct: may(&scope, d, Action::RequestCorrection),
        general: faults.general(&sections),
        faulty: faulty_fields(&sections),
        fault_count: faults.len(),
        sections,
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let (scope, d) = detail(&state, &user, parse_id(&raw)?).await?;
    require(&scope, &d, Action::EditMember)?;
    let input = d.to_input();
    let faults = Faults::none();
    render_edit(&state, &user, scope, &d, &input, &faults, StatusCode::OK).await
}

pub async fn edit_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(input): CsrfForm<MemberInput>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (scope, d) = detail(&state, &user, id).await?;
    require(&scope, &d, Action::EditMember)?;
    match edit(&state, &user, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/members/{id}?saved=1")).into_response()),
        Err(Failure::Fields(items)) => {
            let faults = Faults::new(items);
            render_edit(
                &state,
                &user,
                scope,
                &d,
                &input,
                &faults,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Failure::Fault(f)) if matches!(f.status, 400 | 409) => {
            let status = f.status();
            let faults = Faults::new(vec![FaultItem::from(f)]);
            render_edit(&state, &user, scope, &d, &input, &faults, status).await
        }
        Err(Failure::Fault(f)) => Err(PageError(f)),
    }
}
