//! 我的团籍 (/me): the person's own record, the 电子团员证 card for a member (laid out for a
//! phone), posts, transfers in progress and the links to everything else of 个人中心.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::beijing::beijing;
use tuanjian_app::me::record::{self, Card, MyRecord};
use tuanjian_domain::MembershipStatus;
use tuanjian_store::transfers::Transfer;

use crate::auth::user::PageUser;
use crate::extract::PageQuery;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct CardView {
    pub name: String,
    pub id_number: String,
    pub branch: String,
    pub join_month: String,
    pub dev_number: String,
    pub status: &'static str,
    pub valid: bool,
    /// The member's 退团 request waits for the branch.
    pub withdraw_waiting: bool,
    /// Simply a member: may ask for 退团 (on 我的团籍).
    pub may_ask: bool,
}

impl CardView {
    fn new(c: &Card) -> Self {
        let or_dash = |o: &Option<String>| o.clone().filter(|s| !s.is_empty());
        Self {
            name: c.name.clone(),
            id_number: c.id_number_masked.clone(),
            branch: c.branch_full_name.clone(),
            join_month: or_dash(&c.join_month).unwrap_or_else(|| "未填写".into()),
            dev_number: or_dash(&c.dev_number).unwrap_or_else(|| no_dev_number(&c.join_month)),
            status: c.status.label(),
            valid: c.valid,
            withdraw_waiting: c.status == tuanjian_domain::MembershipStatus::WithdrawnPending,
            may_ask: c.status == tuanjian_domain::MembershipStatus::Normal,
        }
    }
}

/// Without a number: those who joined before numbering began need none; otherwise it is
/// simply not filled in (the join month may be unknown too).
fn no_dev_number(join_month: &Option<String>) -> String {
    let year = join_month
        .as_deref()
        .and_then(|m| m.get(..4))
        .and_then(|y| y.parse::<i32>().ok());
    match year {
        Some(y) if y < tuanjian_domain::dev_number::NUMBERED_FROM => {
            format!(
                "无（{}年以前入团）",
                tuanjian_domain::dev_number::NUMBERED_FROM
            )
        }
        _ => "未填写".into(),
    }
}

pub struct TransferLine {
    pub id: i64,
    pub to: String,
    pub status: &'static str,
    pub started_at: String,
    pub expires_at: String,
}

impl TransferLine {
    pub fn new(t: &Transfer) -> Self {
        Self {
            id: t.id,
            to: t.to_org_name.clone(),
            status: t.status.label(),
            started_at: beijing(t.started_at),
            expires_at: beijing(t.expires_at),
        }
    }
}

#[derive(Template)]
#[template(path = "me_record.html")]
struct RecordPage {
    nav: Option<Nav>,
    /// Just saved the details.
    saved: bool,
    name: String,
    id_number: String,
    identity: &'static str,
    card: Option<CardView>,
    /// (label, value) of the membership's particulars.
    membership: Vec<(&'static str, String)>,
    /// (organisation, post, since).
    posts: Vec<(String, String, String)>,
    /// (label, value) of the contact and study/work details.
    details: Vec<(&'static str, String)>,
    transfers: Vec<TransferLine>,
    /// A member in good standing with no transfer open may start one.
    may_transfer: bool,
}

fn membership_lines(r: &MyRecord) -> Vec<(&'static str, String)> {
    let Some(m) = &r.record.membership else {
        return Vec::new();
    };
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        ("所在团支部", m.org_full_name.clone()),
        ("入团年月", s(&m.join_month)),
        ("发展团员编号", s(&m.dev_number)),
        ("团籍状态", m.status.label().to_string()),
        ("入团时所在单位", s(&m.join_unit)),
        (
            "是否递交入党申请书",
            if m.party_applied { "是" } else { "否" }.to_string(),
        ),
        ("入党年月", s(&m.party_join_month)),
        ("团员证编号", s(&m.card_number)),
    ]
}

fn detail_lines(r: &MyRecord) -> Vec<(&'static str, String)> {
    let p = &r.record.person;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        ("手机号码", s(&p.phone)),
        ("电子邮箱", s(&p.email)),
        ("QQ号", s(&p.qq)),
        ("微信号", s(&p.wechat)),
        ("全日制学历", r.labels.full_time_education.clone()),
        ("最高学历", r.labels.highest_education.clone()),
        ("职业", r.labels.occupation.clone()),
        ("学习工作单位", s(&p.work_unit)),
        ("户籍所在地", s(&p.household_place)),
    ]
}

#[derive(Deserialize, Default)]
pub struct Shown {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(shown): PageQuery<Shown>,
) -> PageResult {
    let r = record::show(&state, &user).await?;
    let may_transfer = r.open_transfers.is_empty()
        && r.record
            .membership
            .as_ref()
            .is_some_and(|m| m.status == MembershipStatus::Normal);
    let page = RecordPage {
        nav: Some(super::nav(&state, &user).await?),
        saved: shown.saved.is_some(),
        name: r.record.person.name.clone(),
        id_number: r.record.person.id_number.masked(),
        identity: r.identity.label(),
        card: r.card.as_ref().map(CardView::new),
        membership: membership_lines(&r),
        posts: r
            .record
            .posts
            .iter()
            .map(|p| {
                (
                    p.org_full_name.clone(),
                    p.post.clone(),
                    p.post_since.clone().unwrap_or_default(),
                )
            })
            .collect(),
        details: detail_lines(&r),
        transfers: r.open_transfers.iter().map(TransferLine::new).collect(),
        may_transfer,
    };
    Ok(Html(page.render()?).into_response())
}
