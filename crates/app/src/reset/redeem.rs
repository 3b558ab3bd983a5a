//! 忘记密码: the person gives their ID number, the reset code and a new password. Wrong,
//! expired, revoked and used codes each get their own message; an unknown ID number answers
//! exactly like a wrong code, so nobody learns whether an ID has an account. Failures are
//! throttled per typed ID number and per client address, as logins are.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use tuanjian_domain::{
    CodeState, ErrorCode, IdNumber, NewPassword, PasswordError, RESET_CODE_VALIDITY, ResetCode,
};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::people::{self, set_password_hash};
use tuanjian_store::reset_codes::{self, ResetRecord};
use tuanjian_store::throttle;
use tuanjian_store::{StoreError, Tx, now};

use crate::beijing::beijing;
use crate::context::App;
use crate::fault::Fault;

/// The typed ID number's key: only a digest is kept, so the table holds no stranger's ID.
fn account_key(id: &IdNumber) -> String {
    let d = Sha256::digest(id.as_str().as_bytes());
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("reset:acct:{hex}")
}

fn address_key(addr: IpAddr) -> String {
    format!("reset:addr:{addr}")
}

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!(
            "重置码输入错误次数过多，已暂时锁定，请 {minutes} 分钟后再试；请向所在团组织管理员核对重置码"
        ),
    )
}

fn wrong_code() -> Fault {
    Fault::new(
        ErrorCode::ResetCodeWrong,
        format!(
            "身份证号码或重置码不正确。请核对：{}；重置码只对管理员生成时指定的本人有效",
            ResetCode::format_hint()
        ),
    )
    .field("code")
}

/// Why a found code cannot be used, each with its own message.
fn problem(rec: &ResetRecord) -> Option<Fault> {
    let (code, message) = match rec.state() {
        CodeState::Active => return None,
        CodeState::Expired => (
            ErrorCode::ResetCodeExpired,
            format!(
                "重置码已于 {} 过期（有效期{RESET_CODE_VALIDITY}）。请联系所在团组织管理员重新生成重置码",
                beijing(rec.expires_at)
            ),
        ),
        CodeState::Revoked => (
            ErrorCode::ResetCodeRevoked,
            "重置码已作废：管理员之后又为您生成了新的重置码，请使用最新的重置码".to_string(),
        ),
        CodeState::Used => (
            ErrorCode::ResetCodeUsed,
            "重置码已使用过，每个重置码只能使用一次。如仍需重置密码，请联系所在团组织管理员重新生成"
                .to_string(),
        ),
    };
    Some(Fault::with_status(409, code, message).field("code"))
}

/// The person and their active code, or the reason there is none.
async fn lookup(
    tx: &mut Tx,
    id: &IdNumber,
    code: Option<&ResetCode>,
) -> Result<Result<(i64, ResetRecord), Fault>, StoreError> {
    let person_id = people::person_by_id_number_tx(tx, id).await?.map(|p| p.id);
    let (Some(person_id), Some(code)) = (person_id, code) else {
        return Ok(Err(wrong_code()));
    };
    Ok(match reset_codes::find_tx(tx, person_id, code).await? {
        None => Err(wrong_code()),
        Some(rec) => match problem(&rec) {
            Some(f) => Err(f),
            None => Ok((person_id, rec)),
        },
    })
}

/// What the form and the API send.
pub struct Redeem<'a> {
    pub id_number: &'a str,
    pub code: &'a str,
    pub new_password: &'a str,
    pub confirm: Option<&'a str>,
}

/// Sets the new password: code checked (failures counted), password hashed, then one
/// transaction that stores it, uses up the code, ends every session and records it.
pub async fn redeem(app: &App, addr: IpAddr, input: &Redeem<'_>) -> Result<(), Fault> {
    let store = &app.store;
    let addr_key = address_key(addr);
    if let Some(until) = store.locked_until(&addr_key).await? {
        return Err(locked_fault(until));
    }
    let id = IdNumber::parse(input.id_number).map_err(|e| {
        Fault::bad_request(e.code(), format!("{e}（请填写本人的18位身份证号码）"))
            .field("id_number")
    })?;
    let acct_key = account_key(&id);
    if let Some(until) = store.locked_until(&acct_key).await? {
        return Err(locked_fault(until));
    }
    if input.code.trim().is_empty() {
        return Err(
            Fault::new(ErrorCode::RequiredMissing, "请填写管理员给您的重置码").field("code"),
        );
    }
    // The password's own rules first: they tell nothing about the account.
    if input.confirm.is_some_and(|c| c != input.new_password) {
        let e = PasswordError::Mismatch;
        return Err(Fault::bad_request(e.code(), e.to_string()).field("confirm"));
    }
    let password = NewPassword::parse(input.new_password, &id)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("new_password"))?;
    let code = ResetCode::parse(input.code);
    let anonymous = Actor {
        client_addr: Some(addr.to_string()),
        ..Actor::default()
    };

    let mut tx = store.begin().await?;
    let found = lookup(&mut tx, &id, code.as_ref()).await?;
    let (person_id, rec) = match found {
        Ok(v) => {
            tx.rollback().await?;
            v
        }
        Err(fault) => {
            let acct =
                throttle::record_failure(&mut tx, &acct_key, app.config.account_lockout).await?;
            let addr_lock =
                throttle::record_failure(&mut tx, &addr_key, app.config.address_lockout).await?;
            let lock = acct.or(addr_lock);
            if let Some(until) = lock {
                tracing::warn!("reset code lockout");
                audit::record(
                    &mut tx,
                    &anonymous,
                    AuditEntry::new("reset_code.lockout")
                        .after(serde_json::json!({ "until": until })),
                )
                .await?;
            }
            tx.commit().await?;
            return Err(lock.map_or(fault, locked_fault));
        }
    };

    let hash = app.hasher.hash(password.expose().to_string()).await?;
    let actor = Actor {
        person_id: Some(person_id),
        ..anonymous
    };
    let mut tx = store.begin().await?;
    // Used, revoked or expired since the check: the conditional update in `mark_used` decides.
    reset_codes::mark_used(&mut tx, &actor, &rec).await?;
    set_password_hash(&mut tx, &actor, person_id, &hash).await?;
    let ended = reset_codes::end_all_sessions(&mut tx, person_id).await?;
    throttle::clear(&mut tx, &acct_key).await?;
    // A new password ends a login lockout of the account too: its owner proved who they are.
    throttle::clear(&mut tx, &crate::account::login::account_key(id.as_str())).await?;
    audit::record(
        &mut tx,
        &actor,
        AuditEntry::new("account.password_reset")
            .target("person", person_id)
            .after(serde_json::json!({ "code_id": rec.id, "sessions_ended": ended })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
