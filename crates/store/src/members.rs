//! Members and cadres: adding them under the entry rules (one transaction each, audit inside)
//! and reading them through an admin's scope. Forms, API, import and the self-service flows
//! all add records through `insert_member_tx` / `insert_cadre_tx`.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::leaving::Standing;
use tuanjian_domain::member_record::{CadreInput, MemberInput, NewCadre, NewMember, Profile};
use tuanjian_domain::name_order::person_sort_key;
use tuanjian_domain::{
    Action, ActorRole, AgeRule, BranchContext, IdNumber, JoinMonth, MemberFault, MemberFaultCode,
    MemberField, MembershipStatus, OrgPath, Refusal, authorize,
};

use crate::audit::{self, Actor, AuditEntry};
use crate::counters::Dim;
use crate::direct_read::Cols;
use crate::member_pages::{Position, Rows};
use crate::member_search::Chosen;
use crate::org_changes::org_tx;
use crate::orgs::{Org, PageRequest};
use crate::range_book::range_book;
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};
use std::sync::OnceLock;

/// Why a record was not added: the admin may not, the record breaks rules (all listed), or the
/// database failed.
#[derive(Debug)]
pub enum EntryError {
    Refused(Refusal),
    Faults(Vec<MemberFault>),
    Store(StoreError),
}

impl From<StoreError> for EntryError {
    fn from(e: StoreError) -> Self {
        EntryError::Store(e)
    }
}

impl From<sqlx::Error> for EntryError {
    fn from(e: sqlx::Error) -> Self {
        EntryError::Store(e.into())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Added {
    pub person_id: i64,
    /// Not refusals (an address code missing from the table …).
    pub warnings: Vec<String>,
}

/// The organisation `org_id` read inside `tx`, if `scope` may act on it for `action`. An
/// organisation outside the scope is `NotFound`, so ids outside cannot be probed.
pub async fn org_for(
    tx: &mut Tx,
    scope: &AdminScope,
    org_id: i64,
    action: Action,
) -> Result<Org, EntryError> {
    let org = org_tx(tx, org_id).await?;
    if !scope.covers(&org.path) {
        return Err(StoreError::NotFound.into());
    }
    authorize(action, ActorRole::Admin(scope.relation_to(&org.path)))
        .map_err(EntryError::Refused)?;
    Ok(org)
}

/// Where someone's organisation is, told as far as an admin may know: its full name when it is in
/// the admin's scope, otherwise only the province ("…所辖组织").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub text: String,
    pub in_scope: bool,
}

impl Place {
    /// From an organisation's path, full name and province (as the queries read them).
    pub fn of(scope: &AdminScope, path: &str, full_name: String, province: Option<String>) -> Self {
        let (lo, hi) = scope.range();
        if path >= lo.as_str() && path < hi.as_str() {
            Place {
                text: full_name,
                in_scope: true,
            }
        } else {
            Place {
                text: format!("{}所辖组织", province.unwrap_or(full_name)),
                in_scope: false,
            }
        }
    }

    /// Of the places a person has (membership, application, posts), the one to tell: the first
    /// inside the scope, otherwise the first.
    pub fn of_person(places: impl IntoIterator<Item = Place>) -> Option<Place> {
        let all: Vec<Place> = places.into_iter().collect();
        all.iter().find(|p| p.in_scope).or(all.first()).cloned()
    }
}

/// Who already holds an ID number, told as far as the admin may know: the organisation when it
/// is in the admin's scope, otherwise only the province.
async fn holder_place(tx: &mut Tx, scope: &AdminScope, org_id: i64) -> Result<Place, StoreError> {
    let row = sqlx::query(
        "SELECT o.path, o.full_name, p.full_name AS province FROM orgs o \
         LEFT JOIN orgs p ON p.id = o.province_id WHERE o.id = $1",
    )
    .bind(org_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Place::of(
        scope,
        row.try_get::<String, _>("path")?.as_str(),
        row.try_get("full_name")?,
        row.try_get("province")?,
    ))
}

/// An existing account with this ID number: its id, name, and membership or pending application.
struct Existing {
    person_id: i64,
    name: String,
    member_org: Option<i64>,
    pending_application_org: Option<i64>,
    /// The organisation of their first post, if they hold one.
    cadre_org: Option<i64>,
}

async fn existing(tx: &mut Tx, id: &IdNumber) -> Result<Option<Existing>, StoreError> {
    let row = sqlx::query(
        "SELECT p.id, p.name, m.org_id, \
         (SELECT a.org_id FROM applications a WHERE a.person_id = p.id AND a.status = 'pending' \
          ORDER BY a.id DESC LIMIT 1) AS app_org, \
         (SELECT c.org_id FROM cadre_posts c WHERE c.person_id = p.id ORDER BY c.id LIMIT 1) \
          AS cadre_org \
         FROM people p LEFT JOIN members m ON m.person_id = p.id WHERE p.id_number = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| {
        Ok(Existing {
            person_id: r.try_get("id")?,
            name: r.try_get("name")?,
            member_org: r.try_get("org_id")?,
            pending_application_org: r.try_get("app_org")?,
            cadre_org: r.try_get("cadre_org")?,
        })
    })
    .transpose()
}

/// The ID number is registered under another name (imports report it per row, too). Names and
/// ID numbers are sensitive personal information: the registered name is told only when the
/// person belongs to an organisation in the admin's scope (`place` in scope); otherwise only that
/// the number is registered, in which province when known, and what to do.
pub fn name_mismatch(stored: &str, place: Option<&Place>) -> MemberFault {
    let message = match place {
        Some(p) if p.in_scope => format!(
            "该身份证号码已在系统中登记（所在组织：{}），登记的姓名为“{stored}”，与所填姓名不一致。\
             请核对；确需更正姓名的，请由组织管理员提交更正申请，报省级团委审核",
            p.text
        ),
        Some(p) => format!(
            "该身份证号码已在系统中登记（登记在{}），与所填姓名不一致。请核对身份证号码；\
             如确为本人，请联系其所在组织办理组织关系转接，姓名有误的由其所在组织提交更正申请",
            p.text
        ),
        None => "该身份证号码已在系统中登记，与所填姓名不一致。请核对身份证号码；\
                 如确为本人，请联系上级团组织核实其登记信息"
            .to_string(),
    };
    MemberFault::new(
        MemberFaultCode::AlreadyRegistered,
        Some(MemberField::Name),
        message,
    )
}

pub(crate) async fn write_profile(
    tx: &mut Tx,
    person_id: i64,
    p: &Profile,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE people SET phone = COALESCE($1, phone), ethnicity = $2, political_status = $3, \
         email = COALESCE($4, email), qq = COALESCE($5, qq), wechat = COALESCE($6, wechat), \
         education_full_time = COALESCE($7, education_full_time), \
         education_highest = COALESCE($8, education_highest), occupation = COALESCE($9, occupation), \
         work_unit = COALESCE($10, work_unit), household_place = COALESCE($11, household_place) \
         WHERE id = $12",
    )
    .bind(p.phone.as_deref())
    .bind(p.ethnicity.code())
    .bind(p.political_status.code())
    .bind(p.email.as_deref())
    .bind(p.qq.as_deref())
    .bind(p.wechat.as_deref())
    .bind(p.full_time_education.map(|e| e.code()))
    .bind(p.highest_education.map(|e| e.code()))
    .bind(p.occupation.map(|e| e.code()))
    .bind(p.work_unit.as_deref())
    .bind(p.household_place.as_deref())
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The person for a new record: an existing account of the same name (a cadre becoming a
/// member of their branch, a cadre taking a second post), or a new one in the initial state.
/// `as_member` refuses anyone already a member or with an application pending.
async fn person_for(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    p: &Profile,
    as_member: bool,
) -> Result<i64, EntryError> {
    if let Some(e) = existing(tx, &p.id_number).await? {
        if as_member && let Some(org) = e.member_org.or(e.pending_application_org) {
            let place = holder_place(tx, scope, org).await?.text;
            let mut fault = MemberFault::already_registered(Some(&place));
            if e.member_org.is_none() {
                fault.message = format!(
                    "该身份证号码已提交入团、注册或报到申请（申请组织：{place}），\
                     请由该组织管理员审核申请，不要重复录入"
                );
            }
            return Err(EntryError::Faults(vec![fault]));
        }
        if e.name != p.name {
            let mut places = Vec::new();
            for org in [e.member_org, e.pending_application_org, e.cadre_org]
                .into_iter()
                .flatten()
            {
                places.push(holder_place(tx, scope, org).await?);
            }
            let place = Place::of_person(places);
            return Err(EntryError::Faults(vec![name_mismatch(
                &e.name,
                place.as_ref(),
            )]));
        }
        write_profile(tx, e.person_id, p).await?;
        return Ok(e.person_id);
    }
    let person_id: i64 = sqlx::query_scalar(
        "INSERT INTO people (id_number, name, created_at, name_sort) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(p.id_number.as_str())
    .bind(&p.name)
    .bind(now())
    .bind(person_sort_key(&p.name))
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            // Another request registered the same ID a moment ago.
            EntryError::Faults(vec![MemberFault::already_registered(None)])
        } else {
            e.into()
        }
    })?;
    write_profile(tx, person_id, p).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("person.create")
            .target("person", person_id)
            .after(serde_json::json!({ "id_number": p.id_number.masked(), "name": p.name })),
    )
    .await?;
    Ok(person_id)
}

/// Refuses a development number someone else holds, naming their organisation when in scope.
pub(crate) async fn check_dev_number_free(
    tx: &mut Tx,
    scope: &AdminScope,
    number: &str,
    except_person: Option<i64>,
) -> Result<(), EntryError> {
    let holder: Option<(i64, i64)> =
        sqlx::query_as("SELECT person_id, org_id FROM members WHERE dev_number = $1")
            .bind(number)
            .fetch_optional(&mut **tx)
            .await?;
    match holder {
        Some((person, org)) if Some(person) != except_person => {
            let place = holder_place(tx, scope, org).await?.text;
            Err(EntryError::Faults(vec![MemberFault::dev_number_taken(
                number,
                Some(&place),
            )]))
        }
        _ => Ok(()),
    }
}

/// The branch a member goes into, checked: in scope, the admin may enter records there, and it
/// is a 团支部.
pub async fn branch_for_entry(
    tx: &mut Tx,
    scope: &AdminScope,
    branch_id: i64,
) -> Result<Org, EntryError> {
    let branch = org_for(tx, scope, branch_id, Action::EnterMember).await?;
    if !branch.kind.is_branch() {
        return Err(EntryError::Faults(vec![MemberFault::not_a_branch(
            &branch.full_name,
        )]));
    }
    Ok(branch)
}

/// Parses `input` under the rules of `branch` (its 号段 and 新疆 status included).
pub async fn parse_member_for(
    tx: &mut Tx,
    branch: &Org,
    input: &MemberInput,
    today: NaiveDate,
) -> Result<NewMember, EntryError> {
    parse_member_with(tx, branch, input, today, AgeRule::Applies).await
}

/// `parse_member_for` with the joining age applied or waived: waived only for 团中央 entering
/// a gathered case (`age_cases`) and for editing a member it entered so.
pub async fn parse_member_with(
    tx: &mut Tx,
    branch: &Org,
    input: &MemberInput,
    today: NaiveDate,
    age_rule: AgeRule,
) -> Result<NewMember, EntryError> {
    let book = range_book(tx, branch).await?;
    let ranges = JoinMonth::parse_on(&input.join_month, today)
        .ok()
        .and_then(|j| book.applicable(j.year()));
    input
        .parse_with(
            BranchContext {
                is_xinjiang: branch.xinjiang,
                ranges: ranges.as_deref(),
                today,
            },
            age_rule,
        )
        .map_err(EntryError::Faults)
}

/// Writes a parsed member into `branch` (already checked with `branch_for_entry`): the account
/// in its initial state unless it exists, the membership, the audit record. The database rules
/// (ID not yet a member, number not yet used) are checked here.
pub async fn insert_member_tx(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    branch: &Org,
    m: &NewMember,
) -> Result<i64, EntryError> {
    if let Some(n) = &m.dev_number {
        check_dev_number_free(tx, scope, n.as_str(), None).await?;
    }
    let person_id = person_for(tx, actor, scope, &m.profile, true).await?;
    let t = now();
    sqlx::query(
        "INSERT INTO members (person_id, org_id, org_path, join_month, dev_number, status, \
         join_unit, party_applied, party_applied_month, party_join_month, income, card_number, \
         entry_fault, created_at, updated_at, person_name, person_id_number, person_sort) \
         VALUES ($1, $2, $3, $4, $5, 'normal', $6, $7, $8, $9, $10, $11, NULL, $12, $12, $13, $14, $15)",
    )
    .bind(person_id)
    .bind(branch.id)
    .bind(branch.path.as_str())
    .bind(m.join_month.to_string())
    .bind(m.dev_number.as_ref().map(|n| n.as_str().to_string()))
    .bind(m.join_unit.as_deref())
    .bind(i64::from(m.party_applied))
    .bind(m.party_applied_month.map(|j| j.to_string()))
    .bind(m.party_join_month.map(|j| j.to_string()))
    .bind(m.income.as_deref())
    .bind(m.card_number.as_deref())
    .bind(t)
    .bind(&m.profile.name)
    .bind(m.profile.id_number.as_str())
    .bind(person_sort_key(&m.profile.name))
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            // The number was taken by a concurrent entry after the check above.
            EntryError::Faults(vec![MemberFault::of(
                MemberFaultCode::DevNumberTaken,
                Some(MemberField::DevNumber),
            )])
        } else {
            e.into()
        }
    })?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("member.create")
            .target("person", person_id)
            .org(branch.id)
            .after(serde_json::json!({
                "id_number": m.profile.id_number.masked(),
                "name": m.profile.name,
                "join_month": m.join_month.to_string(),
                "dev_number": m.dev_number.as_ref().map(|n| n.as_str()),
            })),
    )
    .await?;
    Ok(person_id)
}

/// Writes a parsed cadre post in `org` (checked with `org_for(.., Action::EnterMember)`).
pub async fn insert_cadre_tx(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    org: &Org,
    c: &NewCadre,
) -> Result<i64, EntryError> {
    let person_id = person_for(tx, actor, scope, &c.profile, false).await?;
    let post_id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO cadre_posts (person_id, org_id, post, post_since, nature, party_committee, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id, org_id, post) DO NOTHING RETURNING id",
    )
    .bind(person_id)
    .bind(org.id)
    .bind(c.post.label())
    .bind(c.post_since.map(|j| j.to_string()))
    .bind(c.nature.code())
    .bind(i64::from(c.party_committee))
    .bind(now())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(post_id) = post_id else {
        return Err(EntryError::Faults(vec![MemberFault::new(
            MemberFaultCode::AlreadyRegistered,
            Some(MemberField::Post),
            format!(
                "{}已在本组织担任“{}”，不需要重复录入",
                c.profile.name,
                c.post.label()
            ),
        )]));
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("cadre.create")
            .target("person", person_id)
            .org(org.id)
            .after(serde_json::json!({
                "id_number": c.profile.id_number.masked(),
                "name": c.profile.name,
                "post": c.post.label(),
                "nature": c.nature.label(),
            })),
    )
    .await?;
    Ok(post_id)
}

impl Store {
    /// Adds one member by form or API: one transaction, audit inside.
    pub async fn add_member(
        &self,
        actor: &Actor,
        scope: &AdminScope,
        branch_id: i64,
        input: &MemberInput,
        today: NaiveDate,
    ) -> Result<Added, EntryError> {
        let mut tx = self.begin().await?;
        let branch = branch_for_entry(&mut tx, scope, branch_id).await?;
        let m = parse_member_for(&mut tx, &branch, input, today).await?;
        let person_id = insert_member_tx(&mut tx, actor, scope, &branch, &m).await?;
        tx.commit().await?;
        Ok(Added {
            person_id,
            warnings: m.warnings,
        })
    }

    /// Adds one cadre post by form or API.
    pub async fn add_cadre(
        &self,
        actor: &Actor,
        scope: &AdminScope,
        org_id: i64,
        input: &CadreInput,
        today: NaiveDate,
    ) -> Result<Added, EntryError> {
        let mut tx = self.begin().await?;
        let org = org_for(&mut tx, scope, org_id, Action::EnterMember).await?;
        let c = input.parse(org.kind, today).map_err(EntryError::Faults)?;
        insert_cadre_tx(&mut tx, actor, scope, &org, &c).await?;
        let person_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE id_number = $1")
            .bind(c.profile.id_number.as_str())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Added {
            person_id,
            warnings: c.profile.id_number.address_warning().into_iter().collect(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Reading through a scope.

/// Filters of the member list; every one optional. Built by the web layer from a query string.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Part of the name.
    pub name: Option<String>,
    /// The whole ID number or a part of it (digits and X).
    pub id_number: Option<String>,
    pub join_year: Option<i32>,
    /// Members only (the default), those who left, everyone, or one 团籍 state.
    pub standing: Standing,
    /// Only records with a faulty development number or another broken entry rule.
    pub faulty: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemberSort {
    /// By organisation, then by name: the index order, fastest for any scope.
    #[default]
    Org,
    Name,
    JoinMonthNewest,
    JoinMonthOldest,
}

impl MemberSort {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "" | "org" => MemberSort::Org,
            "name" => MemberSort::Name,
            "join_desc" => MemberSort::JoinMonthNewest,
            "join_asc" => MemberSort::JoinMonthOldest,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            MemberSort::Org => "org",
            MemberSort::Name => "name",
            MemberSort::JoinMonthNewest => "join_desc",
            MemberSort::JoinMonthOldest => "join_asc",
        }
    }
}

/// `members.status` as read: one of `MembershipStatus`'s codes, or a broken row.
pub(crate) fn membership_status(code: &str) -> Result<MembershipStatus, StoreError> {
    MembershipStatus::from_code(code)
        .ok_or(StoreError::Broken("members.status holds an unknown value"))
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberListItem {
    pub person_id: i64,
    pub name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
    pub org_id: i64,
    /// The branch's path (who may act on the row depends on it).
    #[serde(skip)]
    pub org_path: OrgPath,
    pub org_name: String,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    pub status: MembershipStatus,
    pub entry_fault: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberPage {
    pub items: Vec<MemberListItem>,
    /// Exact when unfiltered (from the counters) or when the filter matches at most
    /// `COUNT_CAP` rows; else `COUNT_CAP`, with `total_is_lower_bound`.
    pub total: i64,
    pub total_is_lower_bound: bool,
    pub page: i64,
    pub per_page: i64,
    /// The first row's member when rows lie before the page (上一页 continues before it).
    pub prev_before: Option<i64>,
    /// The last row's member when rows lie after the page (下一页 continues after it).
    pub next_after: Option<i64>,
}

/// A filtered list counts its matches up to this many and then says 超过: counting every
/// match of a filter over a province (millions of rows) would cost what the page does not.
pub const COUNT_CAP: i64 = 10_000;

/// A scope's subtree, optionally narrowed to an organisation inside it.
pub struct MemberQuery<'a> {
    org_id: i64,
    lo: String,
    hi: String,
    pub filter: &'a MemberFilter,
    count_cap: i64,
    /// The name search's character once chosen: the total and the page of one request read
    /// the same one without probing twice (`Store::search_char`).
    pub(crate) chosen: OnceLock<Chosen>,
}

impl<'a> MemberQuery<'a> {
    pub fn new(scope: &AdminScope, filter: &'a MemberFilter) -> Self {
        let (lo, hi) = scope.range();
        Self {
            org_id: scope.org().id,
            lo,
            hi,
            filter,
            count_cap: COUNT_CAP,
            chosen: OnceLock::new(),
        }
    }

    /// With another cap on filtered counts (tests).
    pub fn with_count_cap(mut self, cap: i64) -> Self {
        self.count_cap = cap;
        self
    }

    /// Whether only the standing filters apply, which the counters hold.
    fn counted_by_counters(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        blank(&self.filter.name)
            && blank(&self.filter.id_number)
            && self.filter.join_year.is_none()
            && !self.filter.faulty
    }

    /// Narrowed to `org`'s subtree; `None` when `org` lies outside the scope.
    pub fn within(scope: &AdminScope, org: &Org, filter: &'a MemberFilter) -> Option<Self> {
        if !scope.covers(&org.path) {
            return None;
        }
        let (lo, hi) = org.path.subtree_range();
        Some(Self {
            org_id: org.id,
            lo,
            hi,
            filter,
            count_cap: COUNT_CAP,
            chosen: OnceLock::new(),
        })
    }

    /// The scope's path range.
    pub(crate) fn range(&self) -> (&str, &str) {
        (&self.lo, &self.hi)
    }

    /// The ID filter when it is a whole 18-character number: then it can only match that
    /// number, which the unique index of people finds.
    pub(crate) fn whole_id_number(&self) -> Option<String> {
        self.filter
            .id_number
            .as_deref()
            .map(|s| s.trim().to_ascii_uppercase())
            .filter(|s| s.chars().count() == 18)
    }

    /// The name filter as typed (trimmed), when there is one.
    pub(crate) fn name_pattern(&self) -> Option<&str> {
        self.filter
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn like(s: &Option<String>) -> Option<String> {
        s.as_ref()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| {
                let escaped = v
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("%{escaped}%")
            })
    }

    pub(crate) fn binds(
        &self,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    ) {
        let id = self
            .filter
            .id_number
            .as_ref()
            .map(|s| s.trim().to_ascii_uppercase());
        (
            Self::like(&self.filter.name),
            Self::like(&id),
            self.filter.join_year.map(|y| format!("{y:04}-%")),
            match self.filter.standing {
                Standing::Exactly(s) => Some(s.code().to_string()),
                _ => None,
            },
            i64::from(self.filter.faulty),
        )
    }

    /// The standing filter as bound: `members`, `left` or `all` (one state filters by `$6`).
    pub(crate) fn standing(&self) -> &'static str {
        match self.filter.standing {
            Standing::Members => "members",
            Standing::Left => "left",
            Standing::All | Standing::Exactly(_) => "all",
        }
    }
}

/// The filters over a scope's index range, $1..$8. Every column read here is in `members_scope`
/// (name and ID number are copies kept in step with people by triggers), so lists and counts
/// never touch the table or people, whatever the filter.
macro_rules! member_conditions {
    () => {
        "m.org_path >= $1 AND m.org_path < $2 \
          AND ($3 IS NULL OR m.person_name LIKE $3 ESCAPE '\\') \
          AND ($4 IS NULL OR m.person_id_number LIKE $4 ESCAPE '\\') \
          AND ($5 IS NULL OR m.join_month LIKE $5) \
          AND ($6 IS NULL OR m.status = $6) \
          AND ($7 = 0 OR m.entry_fault IS NOT NULL) \
          AND ($8 = 'all' OR ($8 = 'members') = \
               (m.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')))"
    };
}

pub(crate) use member_conditions;

/// A list row from the columns every member list statement selects, in this order:
/// person_id, person_name, person_id_number, org_id, org_path, org_name, join_month,
/// dev_number, status, entry_fault.
pub(crate) fn item_from_cols(r: &dyn Cols) -> Result<MemberListItem, StoreError> {
    let id = r.text(2)?;
    Ok(MemberListItem {
        person_id: r.int(0)?,
        name: r.text(1)?,
        id_number: IdNumber::parse(&id)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?,
        org_id: r.int(3)?,
        org_path: OrgPath::parse(&r.text(4)?)
            .map_err(|_| StoreError::Broken("members.org_path is no organisation path"))?,
        org_name: r.text(5)?,
        join_month: r.opt_text(6)?,
        dev_number: r.opt_text(7)?,
        status: membership_status(&r.text(8)?)?,
        entry_fault: r.opt_text(9)?,
    })
}

impl Store {
    /// Page `page.page` of the list with its total (numbered pages; see `member_page`).
    pub async fn members(
        &self,
        q: &MemberQuery<'_>,
        sort: MemberSort,
        page: PageRequest,
    ) -> Result<MemberPage, StoreError> {
        let (total, lower_bound) = self.member_total(q).await?;
        let at = Position::Number(page.page);
        self.member_page(q, sort, at, page.per_page, page.page, (total, lower_bound))
            .await
            .map(|p| p.expect("a numbered page needs no member's key"))
    }

    /// The page of `per_page` rows at `position`, numbered `number` for the reader, with the
    /// list's `total` (from `member_total`); `None` when the member a key names is gone.
    pub async fn member_page(
        &self,
        q: &MemberQuery<'_>,
        sort: MemberSort,
        position: Position,
        per_page: i64,
        number: i64,
        (total, total_is_lower_bound): (i64, bool),
    ) -> Result<Option<MemberPage>, StoreError> {
        let read = if let Some(id) = q.whole_id_number() {
            Rows {
                rows: self.page_by_id_number(q, &id).await?,
                more_before: false,
                more_after: false,
            }
        } else {
            match self
                .page_rows(q, sort, position, per_page, total, !total_is_lower_bound)
                .await?
            {
                Some(read) => read,
                None => return Ok(None),
            }
        };
        let items = read.rows;
        Ok(Some(MemberPage {
            prev_before: read
                .more_before
                .then(|| items.first().map(|m| m.person_id))
                .flatten(),
            next_after: read
                .more_after
                .then(|| items.last().map(|m| m.person_id))
                .flatten(),
            items,
            total,
            total_is_lower_bound,
            page: number,
            per_page,
        }))
    }

    /// The member with a whole ID number, if the scope and the other filters hold them: the
    /// people table's unique index finds them, whatever the scope's size.
    async fn page_by_id_number(
        &self,
        q: &MemberQuery<'_>,
        id: &str,
    ) -> Result<Vec<MemberListItem>, StoreError> {
        let (name, like_id, join, status, faulty) = q.binds();
        let rows = sqlx::query(concat!(
            "SELECT m.person_id, m.person_name, m.person_id_number, m.org_id, m.org_path, \
             o.full_name AS org_name, m.join_month, m.dev_number, m.status, m.entry_fault \
             FROM members m JOIN orgs o ON o.id = m.org_id \
             WHERE m.person_id IN (SELECT p.id FROM people p WHERE p.id_number = $9) AND ",
            member_conditions!()
        ))
        .bind(&q.lo)
        .bind(&q.hi)
        .bind(name)
        .bind(like_id)
        .bind(join)
        .bind(status)
        .bind(faulty)
        .bind(q.standing())
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| item_from_cols(r)).collect()
    }

    /// The list's total, and whether it is only a lower bound: from the counters when only the
    /// standing filters apply (one indexed read at any scope), else counted up to the cap.
    pub async fn member_total(&self, q: &MemberQuery<'_>) -> Result<(i64, bool), StoreError> {
        Ok(self.member_total_and_branches(q).await?.0)
    }

    /// As `member_total`, with the number of 团支部 in the query's subtree when the counters
    /// gave the total (read with it: the 所在团支部 choices need no read of their own).
    pub async fn member_total_and_branches(
        &self,
        q: &MemberQuery<'_>,
    ) -> Result<((i64, bool), Option<i64>), StoreError> {
        if let Some(id) = q.whole_id_number() {
            return Ok((
                (self.page_by_id_number(q, &id).await?.len() as i64, false),
                None,
            ));
        }
        if q.counted_by_counters() {
            let dim = match q.filter.standing {
                Standing::Members => Dim::Members,
                _ => Dim::Status,
            };
            let c = self.subtree_two_dims(q.org_id, dim, Dim::OrgKind).await?;
            let total = match q.filter.standing {
                Standing::Members => c.get(Dim::Members, ""),
                // Left: every state but those of members (`MembershipStatus::is_member`).
                Standing::Left => MembershipStatus::ALL
                    .iter()
                    .filter(|s| !s.is_member())
                    .map(|s| c.get(Dim::Status, s.code()))
                    .sum(),
                Standing::All => c.total(Dim::Status),
                Standing::Exactly(s) => c.get(Dim::Status, s.code()),
            };
            let branches = c.get(Dim::OrgKind, tuanjian_domain::OrgKind::Branch.code());
            return Ok(((total, false), Some(branches)));
        }
        let n = self.count_planned(q, Some(q.count_cap + 1)).await?;
        Ok((
            if n > q.count_cap {
                (q.count_cap, true)
            } else {
                (n, false)
            },
            None,
        ))
    }

    /// Every match of the query counted (slow at scale: for tests and checks).
    pub async fn count_members(&self, q: &MemberQuery<'_>) -> Result<i64, StoreError> {
        if let Some(id) = q.whole_id_number() {
            return Ok(self.page_by_id_number(q, &id).await?.len() as i64);
        }
        self.count_planned(q, None).await
    }

    /// Every member the query matches, in the list's order (for the Excel export).
    pub async fn member_ids(
        &self,
        q: &MemberQuery<'_>,
        sort: MemberSort,
    ) -> Result<Vec<i64>, StoreError> {
        let rows = if let Some(id) = q.whole_id_number() {
            self.page_by_id_number(q, &id).await?
        } else {
            let all = i64::MAX / 2;
            self.page_rows(q, sort, Position::Number(1), all, 0, false)
                .await?
                .map(|r| r.rows)
                .unwrap_or_default()
        };
        Ok(rows.iter().map(|m| m.person_id).collect())
    }

    /// How many records in the scope break an entry rule (the notice on the admin's pages).
    pub async fn faulty_member_count(&self, scope: &AdminScope) -> Result<i64, StoreError> {
        let (lo, hi) = scope.range();
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM members WHERE entry_fault IS NOT NULL AND org_path >= $1 AND org_path < $2",
        )
        .bind(lo)
        .bind(hi)
        .fetch_one(self.pool())
        .await?)
    }
}
