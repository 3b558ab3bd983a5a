//! The 超龄 list page and its bulk 办理离团 form.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::leaving::aging::{AgedList, leave, list};
use tuanjian_domain::ErrorCode;
use tuanjian_domain::leaving::{AGE_LIMIT, MAX_NOTICE_MONTHS};
use tuanjian_store::orgs::PageRequest;

use super::shown_on_page;
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct AgedRow {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub org_name: String,
    pub aged_out_on: String,
    pub reached: bool,
    pub kept: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "leaving_aged.html")]
struct AgedPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    l: AgedList,
    rows: Vec<AgedRow>,
    limit: u32,
    max_months: u32,
    today: String,
    prev: Option<String>,
    next: Option<String>,
    pages: i64,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AgedQuery {
    pub months: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub done: Option<String>,
}

impl AgedQuery {
    /// Months ahead and the page, as numbers; malformed ones are refused in Chinese.
    pub fn parse(&self) -> Result<(Option<u32>, PageRequest), Fault> {
        let months = match self.months.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(m) => Some(m.parse::<u32>().map_err(|_| {
                Fault::new(
                    ErrorCode::LeavingDateInvalid,
                    format!("提前查看的月数应为0到{MAX_NOTICE_MONTHS}之间的整数"),
                )
                .field("months")
            })?),
        };
        let num = |v: &Option<String>, what: &str| -> Result<Option<i64>, Fault> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(s) => s
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| Fault::new(ErrorCode::QueryInvalid, format!("{what}应为正整数"))),
            }
        };
        Ok((
            months,
            PageRequest::new(num(&self.page, "页码")?, num(&self.per_page, "每页条数")?),
        ))
    }
}

async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    q: &AgedQuery,
    notice: Option<String>,
    error: Option<String>,
) -> PageResult {
    let (months, page) = q.parse()?;
    let l = list(state, user, org_id, months, page).await?;
    let rows = l
        .page
        .items
        .iter()
        .map(|m| AgedRow {
            person_id: m.person_id,
            name: m.name.clone(),
            id_number: m.id_number.masked(),
            org_name: m.org_name.clone(),
            aged_out_on: m.aged_out_on.to_string(),
            reached: m.aged_out_on <= l.today,
            kept: m.kept.map(|k| k.label()),
        })
        .collect();
    let pages = ((l.page.total + l.page.per_page - 1) / l.page.per_page).max(1);
    let link = |p: i64| format!("/orgs/{}/aged-out?months={}&page={p}", l.org.id, l.months);
    let page = AgedPage {
        nav: Some(Nav::for_authority(state, user, &l.authority).await?),
        crumbs: OrgCrumbs::read(state, &l.authority, l.org.id, "超龄团员")
            .await?
            .via(
                format!("/orgs/{}/members", l.org.id),
                "团员列表",
                "crumb-members",
            ),
        csrf: user.session.csrf_token.clone(),
        rows,
        limit: AGE_LIMIT,
        max_months: MAX_NOTICE_MONTHS,
        today: l.today.to_string(),
        prev: (l.page.page > 1).then(|| link(l.page.page - 1)),
        next: (l.page.page < pages).then(|| link(l.page.page + 1)),
        pages,
        notice,
        error,
        l,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<AgedQuery>,
) -> PageResult {
    let notice = q
        .done
        .as_deref()
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| format!("已为 {n} 名团员办理超龄离团。"));
    render(&state, &user, parse_id(&raw)?, &q, notice, None).await
}

/// The form's checkboxes repeat `person_id`, so it is read as pairs.
pub async fn leave_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let mut ids = Vec::new();
    let mut date = String::new();
    let mut months = None;
    for (k, v) in pairs {
        match k.as_str() {
            "person_id" => ids.push(parse_id(&v)?),
            "date" => date = v,
            "months" => months = Some(v),
            _ => {}
        }
    }
    match leave(&state, &user, id, &ids, &date).await {
        Ok(n) => Ok(Redirect::to(&format!("/orgs/{id}/aged-out?done={n}")).into_response()),
        Err(f) if shown_on_page(&f) => {
            let q = AgedQuery {
                months,
                ..AgedQuery::default()
            };
            let mut res = render(&state, &user, id, &q, None, Some(f.message.clone())).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}
