//! 团费 (issue 16): a province's bands (`dues_bands`), members' declared incomes, one payment
//! row per member and month (`dues_payments`) with its corrections, each branch's monthly sums
//! (`dues_totals`) and each member's standing (`dues_standing`, the month they become a
//! 自行脱团 candidate). Writes are in `record`, the superiors' reports in `reports`.

pub mod record;
pub mod reports;

use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::Occupation;
use tuanjian_domain::dues::{DuesBands, Fen, Month, Standing, monthly_due};

use crate::reviews::still_member;
use crate::{Store, StoreError, Tx};

/// A member of a branch as the month's dues page shows them.
#[derive(Debug, Clone)]
pub struct DuesMember {
    pub person_id: i64,
    pub name: String,
    /// The whole ID number: the branch's admins see it, the Excel sheet is matched by it.
    pub id_number: String,
    pub occupation: Option<Occupation>,
    pub join_month: Option<Month>,
    /// The income declared for dues, else the member record's 收入 when it is an amount.
    pub income: Option<Fen>,
    pub income_declared: bool,
    /// What the member owes a month now, under the province's bands.
    pub due_now: Fen,
    /// The month's record, when there is one.
    pub payment: Option<Payment>,
    pub standing: Option<Standing>,
}

impl DuesMember {
    /// Whether the member was a member in `month` (joined that month or earlier; a record
    /// without a readable 入团年月 is taken as joined).
    pub fn joined_by(&self, month: Month) -> bool {
        self.join_month.is_none_or(|j| j <= month)
    }
}

/// One member's month: what was due when it was recorded and what was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub month: Month,
    pub due: Fen,
    pub paid: Fen,
}

impl Payment {
    pub fn in_full(&self) -> bool {
        self.paid >= self.due
    }
}

/// The 入团年月 as stored (`YYYY-MM`), leniently: anything else is `None`.
pub(crate) fn stored_month(s: Option<&str>) -> Option<Month> {
    let s = s?;
    let (y, m) = s.split_once('-')?;
    Month::new(y.parse().ok()?, m.get(..2).unwrap_or(m).parse().ok()?)
}

pub(crate) fn month_of(index: i64, column: &'static str) -> Result<Month, StoreError> {
    Month::from_index(index).ok_or(StoreError::Broken(column))
}

fn bands_from_row(r: &AnyRow) -> Result<DuesBands, StoreError> {
    Ok(DuesBands {
        threshold: Fen(r.try_get("threshold")?),
        below_threshold: Fen(r.try_get("below_threshold")?),
        rate_permille: r.try_get("rate_permille")?,
        cap: Fen(r.try_get("cap")?),
        student: Fen(r.try_get("student")?),
        farmer: Fen(r.try_get("farmer")?),
    })
}

const BANDS_SQL: &str = "SELECT threshold, below_threshold, rate_permille, cap, student, farmer \
     FROM dues_bands WHERE province_id = $1";

/// A province's bands and whether they were set (else the national defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvinceBands {
    pub bands: DuesBands,
    pub customised: bool,
}

/// The bands of `province_id`; the national defaults for none (团中央's own organisations).
pub(crate) async fn bands_tx(
    tx: &mut Tx,
    province_id: Option<i64>,
) -> Result<ProvinceBands, StoreError> {
    let Some(p) = province_id else {
        return Ok(ProvinceBands {
            bands: DuesBands::default(),
            customised: false,
        });
    };
    let row = sqlx::query(BANDS_SQL)
        .bind(p)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => ProvinceBands {
            bands: bands_from_row(&r)?,
            customised: true,
        },
        None => ProvinceBands {
            bands: DuesBands::default(),
            customised: false,
        },
    })
}

const MEMBERS_SQL: &str = concat!(
    "SELECT m.person_id, m.person_name, m.person_id_number, m.join_month, m.income AS record_income, \
     p.occupation, i.income AS declared_income, d.due, d.paid, s.lapse, \
     (SELECT MIN(f.month) FROM dues_payments f WHERE f.person_id = m.person_id) AS since \
     FROM members m JOIN people p ON p.id = m.person_id \
     LEFT JOIN dues_incomes i ON i.person_id = m.person_id \
     LEFT JOIN dues_payments d ON d.person_id = m.person_id AND d.month = $2 \
     LEFT JOIN dues_standing s ON s.person_id = m.person_id \
     WHERE m.org_id = $1 AND ",
    still_member!(),
    " ORDER BY m.person_sort, m.person_id"
);

fn member_from_row(r: &AnyRow, bands: &DuesBands, month: Month) -> Result<DuesMember, StoreError> {
    let occupation: Option<String> = r.try_get("occupation")?;
    let occupation = occupation.as_deref().and_then(Occupation::from_code);
    let declared: Option<i64> = r.try_get("declared_income")?;
    let record_income: Option<String> = r.try_get("record_income")?;
    let income = match declared {
        Some(f) => Some(Fen(f)),
        None => record_income
            .as_deref()
            .and_then(|s| Fen::parse_yuan(s, "收入").ok()),
    };
    let join: Option<String> = r.try_get("join_month")?;
    let due: Option<i64> = r.try_get("due")?;
    let paid: Option<i64> = r.try_get("paid")?;
    let lapse: Option<i64> = r.try_get("lapse")?;
    let since: Option<i64> = r.try_get("since")?;
    let standing = match (since, lapse) {
        (Some(since), Some(lapse)) => Some(standing_of(since, lapse)?),
        _ => None,
    };
    Ok(DuesMember {
        person_id: r.try_get("person_id")?,
        name: r.try_get("person_name")?,
        id_number: r.try_get("person_id_number")?,
        occupation,
        join_month: stored_month(join.as_deref()),
        income,
        income_declared: declared.is_some(),
        due_now: monthly_due(bands, occupation, income),
        payment: match (due, paid) {
            (Some(due), Some(paid)) => Some(Payment {
                month,
                due: Fen(due),
                paid: Fen(paid),
            }),
            _ => None,
        },
        standing,
    })
}

/// The standing back from its stored form: the first month recorded and the lapse month.
pub(crate) fn standing_of(since: i64, lapse: i64) -> Result<Standing, StoreError> {
    let settled = lapse - i64::from(tuanjian_domain::dues::LAPSE_AFTER_UNPAID_MONTHS);
    let since = month_of(since, "dues_payments.month")?;
    Ok(Standing {
        since,
        last_paid: if settled >= since.index() {
            Some(month_of(settled, "dues_standing.lapse")?)
        } else {
            None
        },
    })
}

/// A branch's month: its members and their records, under its province's bands.
#[derive(Debug, Clone)]
pub struct BranchMonth {
    pub month: Month,
    pub bands: ProvinceBands,
    pub members: Vec<DuesMember>,
}

pub(crate) async fn branch_month_tx(
    tx: &mut Tx,
    org_id: i64,
    province_id: Option<i64>,
    month: Month,
) -> Result<BranchMonth, StoreError> {
    let bands = bands_tx(tx, province_id).await?;
    let rows = sqlx::query(MEMBERS_SQL)
        .bind(org_id)
        .bind(month.index())
        .fetch_all(&mut **tx)
        .await?;
    let members = rows
        .iter()
        .map(|r| member_from_row(r, &bands.bands, month))
        .collect::<Result<_, _>>()?;
    Ok(BranchMonth {
        month,
        bands,
        members,
    })
}

/// One month of a member's history, with the branch it was paid to and its corrections.
#[derive(Debug, Clone)]
pub struct HistoryMonth {
    pub payment: Payment,
    pub org_id: i64,
    pub org_name: String,
    pub corrections: Vec<Correction>,
}

#[derive(Debug, Clone)]
pub struct Correction {
    pub old_paid: Fen,
    pub new_paid: Fen,
    pub reason: String,
    pub corrected_by: String,
    pub corrected_at: i64,
}

/// A member's dues: every month recorded, newest first, and the standing.
#[derive(Debug, Clone)]
pub struct MemberDues {
    pub months: Vec<HistoryMonth>,
    pub standing: Option<Standing>,
}

impl Store {
    /// The bands of a province (the national defaults when it set none).
    pub async fn dues_bands(&self, province_id: Option<i64>) -> Result<ProvinceBands, StoreError> {
        let mut tx = self.begin().await?;
        let b = bands_tx(&mut tx, province_id).await?;
        tx.commit().await?;
        Ok(b)
    }

    /// A branch's members with their records of `month`.
    pub async fn dues_branch_month(
        &self,
        org_id: i64,
        province_id: Option<i64>,
        month: Month,
    ) -> Result<BranchMonth, StoreError> {
        let mut tx = self.begin().await?;
        let m = branch_month_tx(&mut tx, org_id, province_id, month).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// A person's dues history, newest month first.
    pub async fn member_dues(&self, person_id: i64) -> Result<MemberDues, StoreError> {
        let rows = sqlx::query(
            "SELECT d.month, d.due, d.paid, d.org_id, o.full_name \
             FROM dues_payments d JOIN orgs o ON o.id = d.org_id \
             WHERE d.person_id = $1 ORDER BY d.month DESC",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        let fixes = sqlx::query(
            "SELECT c.month, c.old_paid, c.new_paid, c.reason, c.corrected_at, p.name \
             FROM dues_corrections c JOIN people p ON p.id = c.corrected_by \
             WHERE c.person_id = $1 ORDER BY c.id",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        let mut months = Vec::with_capacity(rows.len());
        for r in &rows {
            let month = month_of(r.try_get("month")?, "dues_payments.month")?;
            months.push(HistoryMonth {
                payment: Payment {
                    month,
                    due: Fen(r.try_get("due")?),
                    paid: Fen(r.try_get("paid")?),
                },
                org_id: r.try_get("org_id")?,
                org_name: r.try_get("full_name")?,
                corrections: vec![],
            });
        }
        for f in &fixes {
            let month = month_of(f.try_get("month")?, "dues_corrections.month")?;
            if let Some(h) = months.iter_mut().find(|h| h.payment.month == month) {
                h.corrections.push(Correction {
                    old_paid: Fen(f.try_get("old_paid")?),
                    new_paid: Fen(f.try_get("new_paid")?),
                    reason: f.try_get("reason")?,
                    corrected_by: f.try_get("name")?,
                    corrected_at: f.try_get("corrected_at")?,
                });
            }
        }
        let standing = sqlx::query(
            "SELECT s.lapse, (SELECT MIN(month) FROM dues_payments WHERE person_id = $1) AS since \
             FROM dues_standing s WHERE s.person_id = $1",
        )
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?;
        let standing = match standing {
            Some(r) => {
                let since: Option<i64> = r.try_get("since")?;
                match since {
                    Some(s) => Some(standing_of(s, r.try_get("lapse")?)?),
                    None => None,
                }
            }
            None => None,
        };
        Ok(MemberDues { months, standing })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_months_are_read_leniently() {
        assert_eq!(stored_month(Some("2015-05")), Month::new(2015, 5));
        assert_eq!(stored_month(Some("2015-05-01")), Month::new(2015, 5));
        assert_eq!(stored_month(Some("2015年")), None);
        assert_eq!(stored_month(None), None);
    }

    #[test]
    fn standing_reads_back() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        let s = Standing {
            since: m(2025, 3),
            last_paid: Some(m(2025, 7)),
        };
        assert_eq!(standing_of(m(2025, 3).index(), s.lapse_index()).unwrap(), s);
        let never = Standing {
            since: m(2025, 3),
            last_paid: None,
        };
        assert_eq!(
            standing_of(m(2025, 3).index(), never.lapse_index()).unwrap(),
            never
        );
    }
}
