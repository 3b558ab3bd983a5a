//! 管理员注册码: one-time codes a superior's admin hands to the first admin of a new
//! organisation. Twelve characters from an alphabet without look-alikes (31^12 ≈ 2^59), valid
//! 20 days, revocable; using one is a conditional update, so a code can never serve twice.

use rand::Rng;
use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::ErrorCode;

use crate::audit::{self, Actor, AuditEntry};
use crate::{Store, StoreError, Tx, now};

/// Digits and capitals without 0/O, 1/I/L: nothing an admin can misread when passing it on.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 12;
/// A code is valid for 20 days from its creation.
pub const VALID_SECS: i64 = 20 * 86_400;

/// A well-formed code, stored and compared without separators, in capitals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegCode(String);

impl RegCode {
    pub fn generate() -> Self {
        Self(random_code(CODE_LEN))
    }

    /// Accepts any case, with or without dashes and spaces. `None` when it cannot be a code.
    pub fn parse(input: &str) -> Option<Self> {
        normalise_code(input, CODE_LEN).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped by four for reading aloud and typing: ABCD-EFGH-JKMN.
    pub fn display(&self) -> String {
        group(&self.0)
    }
}

/// `len` characters of `ALPHABET`, uniformly at random (registration and reset codes).
pub(crate) fn random_code(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A typed code in capitals without separators, if it has `len` characters of `ALPHABET`:
/// people type codes in any case, with dashes or spaces (also full-width).
pub(crate) fn normalise_code(input: &str, len: usize) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | '－' | '—'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == len && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

fn group(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    Active,
    Expired,
    Revoked,
    Used,
}

impl CodeState {
    pub fn code(self) -> &'static str {
        match self {
            CodeState::Active => "active",
            CodeState::Expired => "expired",
            CodeState::Revoked => "revoked",
            CodeState::Used => "used",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CodeState::Active => "有效",
            CodeState::Expired => "已过期",
            CodeState::Revoked => "已作废",
            CodeState::Used => "已使用",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeRecord {
    pub id: i64,
    pub org_id: i64,
    /// Without separators; show with `display()`.
    pub code: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub used_at: Option<i64>,
    pub used_by: Option<i64>,
}

impl CodeRecord {
    /// Used and revoked outrank expiry: they say what happened, expiry only that time passed.
    pub fn state_at(&self, t: i64) -> CodeState {
        if self.used_at.is_some() {
            CodeState::Used
        } else if self.revoked_at.is_some() {
            CodeState::Revoked
        } else if t > self.expires_at {
            CodeState::Expired
        } else {
            CodeState::Active
        }
    }

    pub fn state(&self) -> CodeState {
        self.state_at(now())
    }

    pub fn display(&self) -> String {
        group(&self.code)
    }
}

fn record_from_row(r: &sqlx::any::AnyRow) -> Result<CodeRecord, StoreError> {
    Ok(CodeRecord {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: r.try_get("code")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        used_at: r.try_get("used_at")?,
        used_by: r.try_get("used_by")?,
    })
}

macro_rules! code_columns {
    () => {
        "id, org_id, code, created_by, created_at, expires_at, revoked_at, used_at, used_by"
    };
}

/// What the audit log keeps of a code: never the code itself.
fn audit_view(c: &CodeRecord) -> serde_json::Value {
    serde_json::json!({ "code_id": c.id, "expires_at": c.expires_at })
}

/// Revokes the organisation's unused codes and issues a new one, inside `tx`.
pub async fn issue(tx: &mut Tx, actor: &Actor, org_id: i64) -> Result<CodeRecord, StoreError> {
    let t = now();
    sqlx::query(
        "UPDATE reg_codes SET revoked_at = $1 WHERE org_id = $2 AND revoked_at IS NULL AND used_at IS NULL",
    )
    .bind(t)
    .bind(org_id)
    .execute(&mut **tx)
    .await?;
    // A collision among 31^12 codes is all but impossible; the unique index would still catch it.
    let code = RegCode::generate();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reg_codes (org_id, code, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(code.as_str())
    .bind(actor.person_id)
    .bind(t)
    .bind(t + VALID_SECS)
    .fetch_one(&mut **tx)
    .await?;
    let rec = CodeRecord {
        id,
        org_id,
        code: code.0,
        created_by: actor.person_id,
        created_at: t,
        expires_at: t + VALID_SECS,
        revoked_at: None,
        used_at: None,
        used_by: None,
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("reg_code.issue")
            .target("org", org_id)
            .org(org_id)
            .after(audit_view(&rec)),
    )
    .await?;
    Ok(rec)
}

/// Revokes the organisation's unused, unrevoked codes. Refused when there is none.
pub async fn revoke(tx: &mut Tx, actor: &Actor, org_id: i64) -> Result<(), StoreError> {
    let t = now();
    let n = sqlx::query(
        "UPDATE reg_codes SET revoked_at = $1 WHERE org_id = $2 AND revoked_at IS NULL AND used_at IS NULL",
    )
    .bind(t)
    .bind(org_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::NoActiveCode,
            message:
                "该组织当前没有可作废的注册码（已使用或已作废）；如需新的注册码，请点击“重新生成”"
                    .into(),
        });
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("reg_code.revoke")
            .target("org", org_id)
            .org(org_id),
    )
    .await
}

/// The code as stored, whatever its state; `None` when no code is spelled like this.
pub async fn find_tx(tx: &mut Tx, code: &RegCode) -> Result<Option<CodeRecord>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        code_columns!(),
        " FROM reg_codes WHERE code = $1"
    ))
    .bind(code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(record_from_row).transpose()
}

/// Marks an active code used by `person_id`. The update holds only while the code is still
/// unused, unrevoked and unexpired, so two registrations racing for one code cannot both win.
pub async fn mark_used(
    tx: &mut Tx,
    actor: &Actor,
    rec: &CodeRecord,
    person_id: i64,
) -> Result<(), StoreError> {
    let t = now();
    let n = sqlx::query(
        "UPDATE reg_codes SET used_at = $1, used_by = $2 WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at >= $1",
    )
    .bind(t)
    .bind(person_id)
    .bind(rec.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::CodeUsed,
            message: "注册码刚刚已被使用或作废，请向上级组织管理员索取新的注册码".into(),
        });
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("reg_code.use")
            .target("org", rec.org_id)
            .org(rec.org_id)
            .after(serde_json::json!({ "code_id": rec.id, "person_id": person_id })),
    )
    .await
}

impl Store {
    /// The organisation's most recent code, in whatever state.
    pub async fn current_code(&self, org_id: i64) -> Result<Option<CodeRecord>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            code_columns!(),
            " FROM reg_codes WHERE org_id = $1 ORDER BY id DESC LIMIT 1"
        ))
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(record_from_row).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_has_no_look_alikes() {
        for b in b"01OIL" {
            assert!(!ALPHABET.contains(b));
        }
        assert_eq!(ALPHABET.len(), 31);
    }

    #[test]
    fn generated_codes_parse_back() {
        for _ in 0..200 {
            let c = RegCode::generate();
            assert_eq!(c.as_str().len(), CODE_LEN);
            let shown = c.display();
            assert_eq!(shown.len(), 14);
            assert_eq!(shown.matches('-').count(), 2);
            assert_eq!(RegCode::parse(&shown), Some(c.clone()));
            assert_eq!(RegCode::parse(&shown.to_lowercase()), Some(c.clone()));
            assert_eq!(RegCode::parse(&shown.replace('-', " ")), Some(c));
        }
    }

    #[test]
    fn malformed_codes_do_not_parse() {
        assert!(RegCode::parse("ABCD-EFGH-JKM").is_none());
        assert!(RegCode::parse("ABCD-EFGH-JKMNP").is_none());
        assert!(RegCode::parse("ABCD-EFGH-JKM0").is_none());
        assert!(RegCode::parse("ABCD-EFGH-JKMI").is_none());
        assert!(RegCode::parse("").is_none());
        assert_eq!(
            RegCode::parse(" abcd efgh jkmn ").map(|c| c.display()),
            Some("ABCD-EFGH-JKMN".into())
        );
    }

    #[test]
    fn states() {
        let mut c = CodeRecord {
            id: 1,
            org_id: 1,
            code: "ABCDEFGHJKMN".into(),
            created_by: None,
            created_at: 0,
            expires_at: VALID_SECS,
            revoked_at: None,
            used_at: None,
            used_by: None,
        };
        assert_eq!(c.display(), "ABCD-EFGH-JKMN");
        assert_eq!(c.state_at(19 * 86_400), CodeState::Active);
        assert_eq!(
            c.state_at(VALID_SECS),
            CodeState::Active,
            "the 20th day is valid"
        );
        assert_eq!(c.state_at(20 * 86_400 + 1), CodeState::Expired);
        c.revoked_at = Some(5);
        assert_eq!(c.state_at(0), CodeState::Revoked);
        c.used_at = Some(6);
        assert_eq!(c.state_at(VALID_SECS * 2), CodeState::Used);
    }
}
