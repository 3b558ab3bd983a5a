//! 管理员注册: a person becomes the admin of the organisation a registration code names —
//! with a new account, or with the account they have (former admins of deleted organisations,
//! seed question 3). Failed code entries are throttled per client address so codes cannot be
//! found by trying.

use std::net::IpAddr;

use tuanjian_domain::ErrorCode;
use tuanjian_domain::org_info::parse_mobile;
use tuanjian_domain::{BoundedText, IdNumber, NewPassword, PasswordError};
use tuanjian_domain::{CodeState, REGISTRATION_CODE_VALIDITY, RegCode};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::people::insert_person;
use tuanjian_store::reg_codes::{self, CodeRecord};
use tuanjian_store::roles::{RoleKind, insert_admin};
use tuanjian_store::sessions::{SessionKind, create_session};
use tuanjian_store::throttle::{self, Policy};
use tuanjian_store::{StoreError, now};

use crate::context::App;
use crate::fault::Fault;
use crate::org_setup::beijing;
use crate::signed::Signed;

/// Ten wrong codes within 15 minutes lock the address for 15 minutes: a few hundred guesses a
/// day against 31^12 codes.
pub const CODE_POLICY: Policy = Policy {
    max_failures: 10,
    window: 15 * 60,
    lock_for: 15 * 60,
};

fn throttle_key(addr: IpAddr) -> String {
    format!("code:{addr}")
}

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!(
            "注册码输入错误次数过多，已暂时锁定，请 {minutes} 分钟后再试；请向上级组织管理员核对注册码"
        ),
    )
}

/// Why a code cannot be used, each with its own message and code.
fn code_problem(rec: Option<&CodeRecord>) -> Option<Fault> {
    let Some(rec) = rec else {
        return Some(
            Fault::new(
                ErrorCode::CodeUnknown,
                format!(
                    "注册码不正确，系统中没有这个注册码。请核对后重新输入：{}",
                    RegCode::format_hint()
                ),
            )
            .field("code"),
        );
    };
    let (code, message) = match rec.state() {
        CodeState::Active => return None,
        CodeState::Expired => (
            ErrorCode::CodeExpired,
            format!(
                "注册码已于 {} 过期（有效期{REGISTRATION_CODE_VALIDITY}）。请联系上级组织管理员重新生成注册码",
                beijing(rec.expires_at)
            ),
        ),
        CodeState::Revoked => (
            ErrorCode::CodeRevoked,
            "注册码已被上级组织管理员作废。请联系上级组织管理员获取新的注册码".to_string(),
        ),
        CodeState::Used => (
            ErrorCode::CodeUsed,
            "注册码已被使用过，每个注册码只能注册一次。如需成为该组织的管理员，请联系上级组织管理员重新生成注册码".to_string(),
        ),
    };
    Some(Fault::with_status(409, code, message).field("code"))
}

/// The active code typed, or the reason it is not one. Failures count towards the address's
/// lock; while locked, no code is even looked up.
async fn check_code(app: &App, addr: IpAddr, input: &str) -> Result<CodeRecord, Fault> {
    let key = throttle_key(addr);
    if let Some(until) = app.store.locked_until(&key).await? {
        return Err(locked_fault(until));
    }
    if input.trim().is_empty() {
        return Err(Fault::new(ErrorCode::RequiredMissing, "请填写管理员注册码").field("code"));
    }
    let mut tx = app.store.begin().await?;
    let rec = match RegCode::parse(input) {
        Some(code) => reg_codes::find_tx(&mut tx, &code).await?,
        None => None,
    };
    let Some(problem) = code_problem(rec.as_ref()) else {
        tx.rollback().await?;
        return Ok(rec.expect("no problem means found"));
    };
    let lock = throttle::record_failure(&mut tx, &key, CODE_POLICY).await?;
    if let Some(until) = lock {
        tracing::warn!("registration code lockout");
        audit::record(
            &mut tx,
            &Actor {
                client_addr: Some(addr.to_string()),
                ..Actor::default()
            },
            AuditEntry::new("reg_code.lockout").after(serde_json::json!({ "until": until })),
        )
        .await?;
    }
    tx.commit().await?;
    Err(lock.map_or(problem, locked_fault))
}

/// In the registering transaction: the code must still be active (it may have been used or
/// revoked since it was checked).
async fn recheck(tx: &mut tuanjian_store::Tx, rec: &CodeRecord) -> Result<CodeRecord, Fault> {
    let now_rec = reg_codes::find_tx(tx, &rec.code).await?;
    match code_problem(now_rec.as_ref()) {
        Some(f) => Err(f),
        None => Ok(now_rec.expect("found")),
    }
}

/// What the anonymous form and API ask for.
pub struct NewAdmin<'a> {
    pub code: &'a str,
    pub id_number: &'a str,
    pub name: &'a str,
    pub mobile: &'a str,
    pub password: &'a str,
    pub confirm: Option<&'a str>,
}

fn account_exists(id: &IdNumber) -> Fault {
    Fault::new(ErrorCode::AccountExists,
        format!(
            "身份证号码 {} 已有账号，不能重复注册。请用该账号登录后打开“管理员注册”页面（/admin-register）填写注册码，即可成为该组织的管理员",
            id.masked()
        ),
    )
    .field("id_number")
}

/// Creates the account, makes it admin of the code's organisation, uses up the code and opens
/// a session acting as that admin: one transaction. Returns the session token and the org id.
pub async fn register_new(
    app: &App,
    addr: IpAddr,
    input: &NewAdmin<'_>,
    kind: SessionKind,
) -> Result<(String, i64), Fault> {
    let rec = check_code(app, addr, input.code).await?;
    let id = IdNumber::parse(input.id_number).map_err(|e| {
        Fault::bad_request(e.code(), format!("{e}（账号是本人的18位身份证号码）"))
            .field("id_number")
    })?;
    let name = BoundedText::<50>::parse(input.name, "姓名")
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("name"))?;
    let mobile = parse_mobile(input.mobile)
        .map_err(|m| Fault::new(ErrorCode::MobileInvalid, m).field("mobile"))?;
    if input.confirm.is_some_and(|c| c != input.password) {
        let e = PasswordError::Mismatch;
        return Err(Fault::bad_request(e.code(), e.to_string()).field("confirm"));
    }
    let password = NewPassword::parse(input.password, &id)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("password"))?;
    // Only someone holding an active code learns that an ID number has an account.
    if app.store.person_by_id_number(&id).await?.is_some() {
        return Err(account_exists(&id));
    }
    let hash = app.hasher.hash(password.expose().to_string()).await?;
    let mut tx = app.store.begin().await?;
    let rec = recheck(&mut tx, &rec).await?;
    let anonymous = Actor {
        client_addr: Some(addr.to_string()),
        ..Actor::default()
    };
    let person = insert_person(
        &mut tx,
        &anonymous,
        &id,
        name.as_str(),
        Some(&mobile),
        Some(&hash),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict { .. } => account_exists(&id),
        other => other.into(),
    })?;
    let actor = Actor {
        person_id: Some(person.id),
        ..anonymous
    };
    insert_admin(&mut tx, &actor, rec.org_id, person.id).await?;
    reg_codes::mark_used(&mut tx, &actor, &rec, person.id).await?;
    let token = create_session(
        &mut tx,
        &actor,
        person.id,
        kind,
        Some((RoleKind::Admin, rec.org_id)),
    )
    .await?;
    tx.commit().await?;
    Ok((token, rec.org_id))
}

/// The signed-in person becomes admin of the code's organisation and acts in that role.
pub async fn register_existing(app: &App, user: &Signed, code: &str) -> Result<i64, Fault> {
    let rec = check_code(app, user.addr, code).await?;
    let mut tx = app.store.begin().await?;
    let rec = recheck(&mut tx, &rec).await?;
    let actor = user.actor();
    insert_admin(&mut tx, &actor, rec.org_id, user.person.id)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { code, .. } => Fault::with_status(
                409,
                code,
                "您已经是该组织的管理员，无需再次注册；注册码没有被使用",
            )
            .field("code"),
            other => other.into(),
        })?;
    reg_codes::mark_used(&mut tx, &actor, &rec, user.person.id).await?;
    tx.commit().await?;
    app.store
        .set_session_role(&actor, &user.session, (RoleKind::Admin, rec.org_id), false)
        .await?;
    Ok(rec.org_id)
}
