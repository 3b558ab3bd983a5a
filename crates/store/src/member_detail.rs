//! One person's record as an admin may see it: the personal fields, the membership when the
//! member's branch is in the admin's scope, and the posts held in organisations in the scope.
//! Anything outside the scope is left out; a person with nothing inside is `NotFound`, so ids
//! outside cannot be probed.

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_domain::{
    CadreNature, Education, Ethnicity, IdNumber, IdentityStatus, MembershipStatus, Occupation,
    OrgPath, PoliticalStatus,
};

use crate::members::membership_status;
use crate::scope::AdminScope;
use sqlx::AnyConnection;

use crate::{Store, StoreError};

/// Personal fields as stored (codes for the fixed lists).
#[derive(Debug, Clone, Serialize)]
pub struct PersonFields {
    pub person_id: i64,
    pub name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
    pub phone: Option<String>,
    pub ethnicity: Option<String>,
    pub political_status: Option<String>,
    pub email: Option<String>,
    pub qq: Option<String>,
    pub wechat: Option<String>,
    pub full_time_education: Option<String>,
    pub highest_education: Option<String>,
    pub occupation: Option<String>,
    pub work_unit: Option<String>,
    pub household_place: Option<String>,
    pub identity_status: IdentityStatus,
    /// Still on the initial password (last 8 characters of the ID number).
    pub initial_password: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub org_id: i64,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub org_full_name: String,
    pub province_id: Option<i64>,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    pub status: MembershipStatus,
    pub join_unit: Option<String>,
    pub party_applied: bool,
    pub party_applied_month: Option<String>,
    pub party_join_month: Option<String>,
    pub income: Option<String>,
    pub card_number: Option<String>,
    /// The code of a broken entry rule, NULL when the record keeps them all.
    pub entry_fault: Option<String>,
    /// Why 团中央 entered the member under the joining age (入团年龄特殊情况), if it did.
    pub age_exception: Option<String>,
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PostHeld {
    pub post_id: i64,
    pub org_id: i64,
    pub org_full_name: String,
    pub post: String,
    pub post_since: Option<String>,
    /// A `CadreNature` code.
    pub nature: Option<String>,
    pub party_committee: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberDetail {
    pub person: PersonFields,
    /// None when the person is no member, or a member of a branch outside the scope.
    pub membership: Option<Membership>,
    /// Posts in organisations inside the scope.
    pub posts: Vec<PostHeld>,
}

/// The fixed lists' labels, for turning stored codes back into what a form shows.
pub trait Labelled {
    fn label_str(self) -> &'static str;
}

macro_rules! labelled {
    ($($t:ty),*) => {$(
        impl Labelled for $t {
            fn label_str(self) -> &'static str {
                self.label()
            }
        }
    )*};
}
labelled!(
    Ethnicity,
    PoliticalStatus,
    Education,
    Occupation,
    CadreNature,
    MembershipStatus
);

/// The label of a stored code of list `T`, or "" when unset or unknown.
pub fn label<T: Copy + Labelled>(
    code: &Option<String>,
    parse: fn(&str) -> Result<T, tuanjian_domain::enums::ChoiceError>,
) -> String {
    code.as_deref()
        .and_then(|c| parse(c).ok())
        .map(|v| v.label_str().to_string())
        .unwrap_or_default()
}

impl MemberDetail {
    /// The stored record as a form or API input would state it (labels for the lists), so an
    /// edit form starts from what is stored and the entry rules can be run on it again.
    pub fn to_input(&self) -> MemberInput {
        let p = &self.person;
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let m = self.membership.as_ref();
        let ms = |f: fn(&Membership) -> &Option<String>| {
            m.and_then(|m| f(m).clone()).unwrap_or_default()
        };
        MemberInput {
            profile: ProfileInput {
                name: p.name.clone(),
                id_number: p.id_number.to_string(),
                ethnicity: label(&p.ethnicity, Ethnicity::parse),
                political_status: label(&p.political_status, PoliticalStatus::parse),
                phone: s(&p.phone),
                email: s(&p.email),
                qq: s(&p.qq),
                wechat: s(&p.wechat),
                full_time_education: label(&p.full_time_education, Education::parse),
                highest_education: label(&p.highest_education, Education::parse),
                occupation: label(&p.occupation, Occupation::parse),
                work_unit: s(&p.work_unit),
                household_place: s(&p.household_place),
            },
            join_month: ms(|m| &m.join_month),
            dev_number: ms(|m| &m.dev_number),
            join_unit: ms(|m| &m.join_unit),
            party_applied: if m.is_some_and(|m| m.party_applied) {
                "是".into()
            } else {
                "否".into()
            },
            party_applied_month: ms(|m| &m.party_applied_month),
            party_join_month: ms(|m| &m.party_join_month),
            income: ms(|m| &m.income),
            card_number: ms(|m| &m.card_number),
        }
    }
}

fn decode(e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(e.to_string().into()))
}

/// The personal fields of `person_id`.
pub(crate) async fn person_fields(
    c: &mut AnyConnection,
    person_id: i64,
) -> Result<PersonFields, StoreError> {
    let r = sqlx::query(
        "SELECT id, name, id_number, phone, ethnicity, political_status, email, qq, wechat, \
         education_full_time, education_highest, occupation, work_unit, household_place, \
         identity_status, password_hash FROM people WHERE id = $1",
    )
    .bind(person_id)
    .fetch_optional(&mut *c)
    .await?
    .ok_or(StoreError::NotFound)?;
    let id: String = r.try_get("id_number")?;
    let hash: Option<String> = r.try_get("password_hash")?;
    Ok(PersonFields {
        person_id: r.try_get("id")?,
        name: r.try_get("name")?,
        id_number: IdNumber::parse(&id).map_err(decode)?,
        phone: r.try_get("phone")?,
        ethnicity: r.try_get("ethnicity")?,
        political_status: r.try_get("political_status")?,
        email: r.try_get("email")?,
        qq: r.try_get("qq")?,
        wechat: r.try_get("wechat")?,
        full_time_education: r.try_get("education_full_time")?,
        highest_education: r.try_get("education_highest")?,
        occupation: r.try_get("occupation")?,
        work_unit: r.try_get("work_unit")?,
        household_place: r.try_get("household_place")?,
        identity_status: IdentityStatus::from_code(&r.try_get::<String, _>("identity_status")?)
            .ok_or(StoreError::Broken(
                "people.identity_status holds an unknown value",
            ))?,
        initial_password: hash.is_none(),
    })
}

/// The membership of `person_id`, wherever it is (callers check the scope).
pub(crate) async fn membership(
    c: &mut AnyConnection,
    person_id: i64,
) -> Result<Option<Membership>, StoreError> {
    let row = sqlx::query(
        "SELECT m.org_id, o.path, o.full_name, o.province_id, m.join_month, m.dev_number, m.status, \
         m.join_unit, m.party_applied, m.party_applied_month, m.party_join_month, m.income, \
         m.card_number, m.entry_fault, m.age_exception, m.updated_at \
         FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.person_id = $1",
    )
    .bind(person_id)
    .fetch_optional(&mut *c)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let path: String = r.try_get("path")?;
    Ok(Some(Membership {
        org_id: r.try_get("org_id")?,
        org_path: OrgPath::parse(&path).map_err(decode)?,
        org_full_name: r.try_get("full_name")?,
        province_id: r.try_get("province_id")?,
        join_month: r.try_get("join_month")?,
        dev_number: r.try_get("dev_number")?,
        status: membership_status(&r.try_get::<String, _>("status")?)?,
        join_unit: r.try_get("join_unit")?,
        party_applied: r.try_get::<i64, _>("party_applied")? != 0,
        party_applied_month: r.try_get("party_applied_month")?,
        party_join_month: r.try_get("party_join_month")?,
        income: r.try_get("income")?,
        card_number: r.try_get("card_number")?,
        entry_fault: r.try_get("entry_fault")?,
        age_exception: r.try_get("age_exception")?,
        updated_at: r.try_get("updated_at")?,
    }))
}

/// The record through `scope`, read on `c` (a pooled connection or a transaction).
pub async fn member_detail_on(
    c: &mut AnyConnection,
    scope: &AdminScope,
    person_id: i64,
) -> Result<MemberDetail, StoreError> {
    let membership = membership(c, person_id)
        .await?
        .filter(|m| scope.covers(&m.org_path));
    let (lo, hi) = scope.range();
    let rows = sqlx::query(
        "SELECT c.id, c.org_id, o.full_name, c.post, c.post_since, c.nature, c.party_committee \
         FROM cadre_posts c JOIN orgs o ON o.id = c.org_id \
         WHERE c.person_id = $1 AND o.path >= $2 AND o.path < $3 ORDER BY o.path, c.id",
    )
    .bind(person_id)
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *c)
    .await?;
    let posts = rows
        .iter()
        .map(|r| {
            Ok(PostHeld {
                post_id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                org_full_name: r.try_get("full_name")?,
                post: r.try_get("post")?,
                post_since: r.try_get("post_since")?,
                nature: r.try_get("nature")?,
                party_committee: r.try_get::<i64, _>("party_committee")? != 0,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    if membership.is_none() && posts.is_empty() {
        return Err(StoreError::NotFound);
    }
    let person = person_fields(c, person_id).await?;
    Ok(MemberDetail {
        person,
        membership,
        posts,
    })
}

impl Store {
    /// The record of `person_id` as the admin of `scope` may see it; `NotFound` when neither
    /// the membership nor any post lies in the scope.
    pub async fn member_detail(
        &self,
        scope: &AdminScope,
        person_id: i64,
    ) -> Result<MemberDetail, StoreError> {
        // A plain connection: a read needs no write lock (SQLite's BEGIN IMMEDIATE).
        let mut c = self.pool().acquire().await?;
        member_detail_on(&mut c, scope, person_id).await
    }
}
