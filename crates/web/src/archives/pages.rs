//! The pages of 团员电子档案: a member's archive (state, upload or replacement, the superior's
//! 认证/退回, 实名校验 线下通过), 下级团员电子档案审批 with the overdue members, and
//! 我的团员电子档案. Bad input is shown on the page again with what to change; refusals get
//! the error page.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::archives::identity::mark_offline;
use tuanjian_app::archives::review::review;
use tuanjian_app::archives::upload::upload as upload_uc;
use tuanjian_app::archives::view::{inbox as inbox_uc, mine as mine_uc, of_member};
use tuanjian_app::authority;
use tuanjian_app::beijing::beijing;
use tuanjian_domain::archive::{ARCHIVE_DUE_DAYS, ARCHIVE_MAX_BYTES, REASON_MAX};

use super::receive::receive;
use super::view::{ArchiveBody, size_label};
use crate::auth::csrf::{CsrfForm, csrf_fault, same_token};
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "archive_member.html")]
struct MemberPage {
    nav: Option<Nav>,
    csrf: String,
    a: ArchiveBody,
    size: String,
    max_mb: u64,
    due_days: i64,
    reason_max: usize,
    notice: Option<&'static str>,
    error: Option<String>,
    /// The fault concerns the file field (shown beside it).
    file_fault: bool,
}

async fn render(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    notice: Option<&'static str>,
    fault: Option<&Fault>,
) -> PageResult {
    let m = of_member(state, user, person_id).await?;
    let a = ArchiveBody::from(&m);
    let page = MemberPage {
        nav: Some(Nav::for_authority(state, user, &m.authority).await?),
        csrf: user.session.csrf_token.clone(),
        size: a
            .file
            .as_ref()
            .map(|f| size_label(f.size))
            .unwrap_or_default(),
        a,
        max_mb: ARCHIVE_MAX_BYTES / (1024 * 1024),
        due_days: ARCHIVE_DUE_DAYS,
        reason_max: REASON_MAX,
        notice,
        error: fault.map(|f| f.message.clone()),
        file_fault: fault.is_some_and(|f| f.field == Some("file")),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("uploaded") => Some("档案已上传，状态为尚未认证，等待直属上级组织的管理员审批。"),
        Some("replaced") => Some("档案已替换，状态为尚未认证，等待直属上级组织的管理员重新审批。"),
        Some("approved") => Some("档案已认证。"),
        Some("rejected") => Some("档案已退回，团支部可以看到退回原因并替换档案。"),
        Some("identity") => Some("已记录实名校验线下通过。"),
        _ => None,
    };
    render(&state, &user, parse_id(&raw)?, notice, None).await
}

/// Bad input and conflicts are shown on the page again; refusals get the error page.
async fn after(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    outcome: Result<&'static str, Fault>,
) -> PageResult {
    match outcome {
        Ok(done) => {
            Ok(Redirect::to(&format!("/members/{person_id}/archive?done={done}")).into_response())
        }
        Err(f) if matches!(f.status, 400 | 409 | 413 | 422) => {
            let mut res = render(state, user, person_id, None, Some(&f)).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let received = receive(multipart).await;
    // The CSRF check comes first: a forged request learns nothing about the file rules.
    if let Ok(up) = &received
        && !up
            .csrf
            .as_deref()
            .is_some_and(|c| same_token(c, &user.session.csrf_token))
    {
        return Err(PageError(csrf_fault()));
    }
    let outcome = match received {
        Ok(up) => upload_uc(&state, &user, id, &up.file)
            .await
            .map(|u| match u.put {
                tuanjian_store::archives::Put::Uploaded => "uploaded",
                tuanjian_store::archives::Put::Replaced => "replaced",
            }),
        Err(f) => Err(f),
    };
    after(&state, &user, id, outcome).await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
pub struct EmptyForm {}

pub async fn approve(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = review(&state, &user, id, true, None)
        .await
        .map(|_| "approved");
    after(&state, &user, id, outcome).await
}

pub async fn reject(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = review(&state, &user, id, false, Some(&form.reason))
        .await
        .map(|_| "rejected");
    after(&state, &user, id, outcome).await
}

pub async fn identity(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let outcome = mark_offline(&state, &user, id).await.map(|_| "identity");
    after(&state, &user, id, outcome).await
}

/// A row of either list.
struct Row {
    person_id: i64,
    name: String,
    id_number: String,
    branch_name: String,
    join_month: String,
    at: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "archive_inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    org_name: String,
    to_approve: Vec<Row>,
    overdue: Vec<Row>,
    due_days: i64,
}

pub async fn inbox(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    let i = inbox_uc(&state, &user).await?;
    let org_name = match &i.authority {
        tuanjian_app::Authority::Admin(s) => s.org().full_name.clone(),
        _ => String::new(),
    };
    let page = InboxPage {
        nav: Some(Nav::for_authority(&state, &user, &i.authority).await?),
        org_name,
        to_approve: i
            .to_approve
            .iter()
            .map(|p| Row {
                person_id: p.person_id,
                name: p.name.clone(),
                id_number: p.id_number.masked(),
                branch_name: p.branch_name.clone(),
                join_month: p.join_month.clone().unwrap_or_default(),
                at: beijing(p.uploaded_at),
                detail: format!(
                    "{}，{} 页",
                    size_label(p.size),
                    p.page_count.unwrap_or_default()
                ),
            })
            .collect(),
        overdue: i
            .overdue
            .iter()
            .map(|o| Row {
                person_id: o.person_id,
                name: o.name.clone(),
                id_number: o.id_number.masked(),
                branch_name: o.branch_name.clone(),
                join_month: o.join_month.clone(),
                at: beijing(o.entered_at),
                detail: String::new(),
            })
            .collect(),
        due_days: ARCHIVE_DUE_DAYS,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "archive_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    person_id: i64,
    is_member_record: bool,
    required: bool,
    status: &'static str,
    status_label: &'static str,
    reason: String,
    file: Option<(String, String, String)>,
    identity: String,
}

pub async fn mine(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    let own = mine_uc(&state, &user).await?;
    let nav = match authority::current(&state, &user).await? {
        Some(a) => Nav::for_authority(&state, &user, &a).await?,
        None => Nav::plain(&user),
    };
    let mut page = MinePage {
        nav: Some(nav),
        person_id: user.person.id,
        is_member_record: false,
        required: false,
        status: "none",
        status_label: tuanjian_domain::archive::NO_ARCHIVE_LABEL,
        reason: String::new(),
        file: None,
        identity: String::new(),
    };
    if let Some(m) = own {
        let (status, label) = super::view::status_of(m.archive.as_ref());
        page.is_member_record = true;
        page.required = m.required;
        page.status = status;
        page.status_label = label;
        page.reason = m
            .archive
            .as_ref()
            .and_then(|a| a.reason.clone())
            .unwrap_or_default();
        page.file = m.archive.as_ref().map(|a| {
            (
                size_label(a.file.size),
                a.file.page_count.unwrap_or_default().to_string(),
                beijing(a.uploaded_at),
            )
        });
        page.identity = super::view::IdentityBody::from(&m.identity).label;
    }
    Ok(Html(page.render()?).into_response())
}
