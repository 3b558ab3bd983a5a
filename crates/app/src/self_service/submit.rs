//! An anonymous submission: the account with the chosen password, the pending application
//! and a session, in one transaction; anonymous forms throttled per address.

use std::net::IpAddr;

use tuanjian_domain::ErrorCode;
use tuanjian_domain::self_service::ApplicationKind;
use tuanjian_domain::{IdNumber, NewPassword, PasswordError};
use tuanjian_store::applications::{self, NewApplication, ReviewError};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::sessions::{SessionKind, create_session};
use tuanjian_store::throttle::{self, Policy};
use tuanjian_store::{StoreError, now};

use super::apply_error::{ApplyError, rule_fault};
use super::check::{Fields, check};
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;

/// "Already registered" answers tell an anonymous visitor that an ID number is in the system
/// (and its province): five within 15 minutes lock the address for 15 minutes.
pub const KNOWN_ID_POLICY: Policy = Policy {
    max_failures: 5,
    window: 15 * 60,
    lock_for: 15 * 60,
};
/// New applications from one address: a class registering together fits, a script does not.
pub const NEW_APPLICATION_POLICY: Policy = Policy {
    max_failures: 30,
    window: 60 * 60,
    lock_for: 60 * 60,
};

fn known_key(addr: IpAddr) -> String {
    format!("apply-known:{addr}")
}

fn new_key(addr: IpAddr) -> String {
    format!("apply-new:{addr}")
}

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!("提交过于频繁，已暂时限制，请 {minutes} 分钟后再试"),
    )
}

/// What is wrong with the chosen password (and its confirmation, from a form), if anything.
fn password_fault(password: &str, confirm: Option<&str>, id: &IdNumber) -> Option<Fault> {
    if password.is_empty() {
        Some(Fault::new(ErrorCode::RequiredMissing, "请设置登录密码").field("password"))
    } else if let Err(e) = NewPassword::parse(password, id) {
        Some(Fault::bad_request(e.code(), e.to_string()).field("password"))
    } else if confirm.is_some_and(|c| c != password) {
        let e = PasswordError::Mismatch;
        Some(Fault::bad_request(e.code(), e.to_string()).field("confirm"))
    } else {
        None
    }
}

/// Registering twice is impossible: tell where, counting the answer against the address
/// (enough of them lock it, audited).
async fn refuse_registered(
    app: &App,
    addr: IpAddr,
    anonymous: &Actor,
    id: &IdNumber,
) -> Result<(), ApplyError> {
    let mut tx = app.store.begin_read().await?;
    let holder = applications::holder_tx(&mut tx, id).await?;
    tx.rollback().await?;
    let Some(h) = holder else {
        return Ok(());
    };
    let mut tx = app.store.begin().await?;
    let lock = throttle::record_failure(&mut tx, &known_key(addr), KNOWN_ID_POLICY).await?;
    if let Some(until) = lock {
        audit::record(
            &mut tx,
            anonymous,
            AuditEntry::new("application.lockout").after(serde_json::json!({ "until": until })),
        )
        .await?;
    }
    tx.commit().await?;
    Err(match lock {
        Some(until) => locked_fault(until).into(),
        None => rule_fault(&h.fault()).into(),
    })
}

/// An anonymous submission: the account (with the chosen password), the pending application
/// and a session, in one transaction. Returns (session token, application id).
pub async fn submit(
    app: &App,
    addr: IpAddr,
    kind: ApplicationKind,
    fields: &Fields,
    password: &str,
    confirm: Option<&str>,
    session_kind: SessionKind,
) -> Result<(String, i64), ApplyError> {
    for key in [known_key(addr), new_key(addr)] {
        if let Some(until) = app.store.locked_until(&key).await? {
            return Err(locked_fault(until).into());
        }
    }
    let today = today();
    let checked = check(app, kind, fields, today).await;
    // The password is judged with the rest, so one answer lists every fault.
    let password_fault = IdNumber::parse_on(&fields.member.profile.id_number, today)
        .ok()
        .and_then(|id| password_fault(password, confirm, &id));
    let checked = match (checked, password_fault) {
        (Ok(c), None) => c,
        (Ok(_), Some(f)) => return Err(f.into()),
        (Err(mut e), Some(f)) if e.fault.status_code() == 400 => {
            e.faults.push(f);
            return Err(ApplyError::many(e.faults, e.suggestions));
        }
        (Err(e), _) => return Err(e),
    };
    let id = checked.id_number.clone().expect("checked");
    let anonymous = Actor {
        client_addr: Some(addr.to_string()),
        ..Actor::default()
    };

    refuse_registered(app, addr, &anonymous, &id).await?;

    let hash = app.hasher.hash(password.to_string()).await?;
    let mut tx = app.store.begin().await?;
    let (person_id, app_id) = applications::submit_tx(
        &mut tx,
        &anonymous,
        NewApplication {
            kind: checked.kind,
            branch: &checked.branch,
            id_number: &id,
            name: &checked.name,
            phone: checked.phone.as_deref(),
            password_hash: &hash,
            member: checked.member,
            home_org: checked.home_org,
            cadre: checked.cadre,
        },
    )
    .await
    .map_err(|e| match e {
        // A concurrent submission with the same ID won the race.
        ReviewError::Store(StoreError::Conflict { code: ErrorCode::AlreadyRegistered, .. }) => {
            ApplyError::from(Fault::new(ErrorCode::AlreadyRegistered,
                "该身份证号码刚刚已提交过申请，不能重复提交。请用身份证号码和申请时设置的密码登录查看",
            ).field("id_number"))
        }
        other => other.into(),
    })?;
    throttle::record_failure(&mut tx, &new_key(addr), NEW_APPLICATION_POLICY).await?;
    let actor = Actor {
        person_id: Some(person_id),
        ..anonymous
    };
    let token = create_session(&mut tx, &actor, person_id, session_kind, None).await?;
    tx.commit().await?;
    Ok((token, app_id))
}
