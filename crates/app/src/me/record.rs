//! 我的团籍: the signed-in person's own record, whatever their roles — the membership wherever
//! it is and whatever its 团籍 state (a member who left still reads it), the posts, the
//! transfers in progress — and the 电子团员证 card a member shows on a phone.

use tuanjian_domain::{Education, IdentityStatus, MembershipStatus, Occupation};
use tuanjian_store::member_detail::label;
use tuanjian_store::own_record::OwnRecord;
use tuanjian_store::transfers::Transfer;

use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// 电子团员证: what a member shows to prove membership.
#[derive(Debug, Clone)]
pub struct Card {
    pub name: String,
    /// First 6 and last 4 characters; the card is shown to others.
    pub id_number_masked: String,
    pub branch_full_name: String,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    pub status: MembershipStatus,
    /// Still a member (normal, or a way out not yet approved): the card is valid.
    pub valid: bool,
}

/// The stored codes of the fixed lists as people read them.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub full_time_education: String,
    pub highest_education: String,
    pub occupation: String,
}

pub struct MyRecord {
    pub record: OwnRecord,
    pub labels: Labels,
    pub identity: IdentityStatus,
    /// A member's card; None for a person with no membership.
    pub card: Option<Card>,
    /// Requests about the person still waiting for a decision, newest first.
    pub open_transfers: Vec<Transfer>,
}

/// Open and not yet lapsed.
pub fn in_progress(t: &Transfer, now: i64) -> bool {
    t.status.is_open() && t.expires_at > now
}

pub async fn show(app: &App, user: &Signed) -> Result<MyRecord, Fault> {
    let record = app.store.own_record(user.person.id).await?;
    let now = tuanjian_store::now();
    let open_transfers = app
        .store
        .transfers_of_person(user.person.id)
        .await?
        .into_iter()
        .filter(|t| in_progress(t, now))
        .collect();
    let p = &record.person;
    let card = record.membership.as_ref().map(|m| Card {
        name: p.name.clone(),
        id_number_masked: p.id_number.masked(),
        branch_full_name: m.org_full_name.clone(),
        join_month: m.join_month.clone(),
        dev_number: m.dev_number.clone(),
        status: m.status,
        valid: m.status.is_member(),
    });
    let labels = Labels {
        full_time_education: label(&p.full_time_education, Education::parse),
        highest_education: label(&p.highest_education, Education::parse),
        occupation: label(&p.occupation, Occupation::parse),
    };
    Ok(MyRecord {
        identity: p.identity_status,
        labels,
        card,
        open_transfers,
        record,
    })
}
