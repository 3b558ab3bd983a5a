//! 组织管理员添加 by form (`tuanjian_app::members::entry`): a member into a 团支部 or a cadre
//! post in any organisation. Every fault is shown beside its field with the form refilled.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tuanjian_app::members::FaultItem;
use tuanjian_app::members::entry::{add_cadre, add_member, entry_target};
use tuanjian_domain::Post;
use tuanjian_domain::member_record::{CadreInput, MemberInput};
use tuanjian_store::orgs::Org;

use super::form::{
    Faults, Section, Suggestion, cadre_sections, faulty_fields, member_sections, suggest,
};
use super::{Failure, admin_scope};
use crate::auth::csrf::CsrfForm;
use crate::auth::role::Authority;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::parse_id;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::members::dev_number::{join_year, proposal};

/// Said wherever a record is added: the account is usable at once.
pub const INITIAL_PASSWORD_NOTICE: &str =
    "账号已开通：用户名为身份证号码，初始密码为身份证号码后8位，本人首次登录后须修改密码。";

#[derive(Template)]
#[template(path = "members_new.html")]
struct EntryPage {
    nav: Option<Nav>,
    csrf: String,
    org: Org,
    title: &'static str,
    action: String,
    list_href: String,
    list_label: &'static str,
    intro: String,
    sections: Vec<Section>,
    general: Vec<String>,
    faulty: Vec<(&'static str, &'static str)>,
    fault_count: usize,
}

/// The next free 发展团员编号 for the year of the 入团年月 typed (this year before one is), under
/// the number field; the form's script asks again when the month changes.
async fn propose_number(
    state: &AppState,
    org: &Org,
    join_month: &str,
    sections: &mut [Section],
) -> Result<(), PageError> {
    let year = join_year(None, Some(join_month))
        .unwrap_or_else(|_| chrono::Datelike::year(&tuanjian_app::beijing::today()));
    let p = proposal(state, org, year).await?;
    suggest(
        sections,
        "dev_number",
        Suggestion {
            value: p.number,
            message: p.message,
            url: format!("/orgs/{}/dev-numbers/next", org.id),
        },
    );
    Ok(())
}

async fn render(
    state: &AppState,
    user: &Signed,
    org: Org,
    member: Option<&str>,
    mut sections: Vec<Section>,
    faults: &Faults,
    status: StatusCode,
) -> PageResult {
    let scope = admin_scope(state, user).await?;
    if let Some(join_month) = member {
        propose_number(state, &org, join_month, &mut sections).await?;
    }
    let member = member.is_some();
    let (title, path, list, list_label, intro) = if member {
        (
            "录入团员",
            "members/new",
            "members",
            "团员列表",
            format!(
                "录入到“{}”。{INITIAL_PASSWORD_NOTICE}已在其他组织的团员请办理组织关系转接，不要重复录入。",
                org.full_name
            ),
        )
    } else {
        (
            "录入团干部",
            "cadres/new",
            "cadres",
            "团干部列表",
            format!(
                "录入“{}”的团干部。已有账号的（如本组织团员）按原账号增加职务，不新建账号；新录入的{INITIAL_PASSWORD_NOTICE}",
                org.full_name
            ),
        )
    };
    let page = EntryPage {
        nav: Some(Nav::for_authority(state, user, &Authority::Admin(scope)).await?),
        csrf: user.session.csrf_token.clone(),
        title,
        action: format!("/orgs/{}/{path}", org.id),
        list_href: format!("/orgs/{}/{list}", org.id),
        list_label,
        intro,
        general: faults.general(&sections),
        faulty: faulty_fields(&sections),
        fault_count: faults.len(),
        sections,
        org,
    };
    let mut res = Html(page.render()?).into_response();
    *res.status_mut() = status;
    Ok(res)
}

/// A failure as the form page again (faults beside fields, conflicts on top) or an error page
/// for refusals and missing records.
async fn refill(
    state: &AppState,
    user: &Signed,
    org: Org,
    member: Option<&str>,
    failure: Failure,
    sections: impl Fn(&Faults) -> Vec<Section>,
) -> PageResult {
    let (faults, status) = match failure {
        Failure::Fields(items) => (Faults::new(items), StatusCode::UNPROCESSABLE_ENTITY),
        Failure::Fault(f) if matches!(f.status, 400 | 409) => {
            let status = f.status();
            (Faults::new(vec![FaultItem::from(f)]), status)
        }
        Failure::Fault(f) => return Err(PageError(f)),
    };
    let s = sections(&faults);
    render(state, user, org, member, s, &faults, status).await
}

fn created(person_id: i64, what: &str) -> Response {
    Redirect::to(&format!("/members/{person_id}?created={what}")).into_response()
}

pub async fn member_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let org = entry_target(&state, &user, parse_id(&raw)?, true).await?;
    let faults = Faults::none();
    let input = MemberInput {
        profile: tuanjian_domain::member_record::ProfileInput {
            ethnicity: "汉族".into(),
            political_status: "共青团员".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let sections = member_sections(&input, &faults, false);
    render(
        &state,
        &user,
        org,
        Some(""),
        sections,
        &faults,
        StatusCode::OK,
    )
    .await
}

pub async fn member_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(input): CsrfForm<MemberInput>,
) -> PageResult {
    let org = entry_target(&state, &user, parse_id(&raw)?, true).await?;
    match add_member(&state, &user, org.id, &input).await {
        Ok(added) => Ok(created(added.person_id, "member")),
        Err(failure) => {
            refill(&state, &user, org, Some(&input.join_month), failure, |f| {
                member_sections(&input, f, false)
            })
            .await
        }
    }
}

pub async fn cadre_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let org = entry_target(&state, &user, parse_id(&raw)?, false).await?;
    let faults = Faults::none();
    let input = CadreInput {
        profile: tuanjian_domain::member_record::ProfileInput {
            ethnicity: "汉族".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let sections = cadre_sections(&input, Post::for_kind(org.kind), &faults);
    render(&state, &user, org, None, sections, &faults, StatusCode::OK).await
}

pub async fn cadre_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(input): CsrfForm<CadreInput>,
) -> PageResult {
    let org = entry_target(&state, &user, parse_id(&raw)?, false).await?;
    match add_cadre(&state, &user, org.id, &input).await {
        Ok(added) => Ok(created(added.person_id, "cadre")),
        Err(failure) => {
            let posts = Post::for_kind(org.kind);
            refill(&state, &user, org, None, failure, |f| {
                cadre_sections(&input, posts, f)
            })
            .await
        }
    }
}
