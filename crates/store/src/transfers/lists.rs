//! 办理转出 and 办理转入: the requests of a scope, by the sending or the receiving side, each an
//! index range on the side's path, newest first.

use serde::Serialize;
use tuanjian_domain::OrgPath;

use super::{Transfer, transfer_from_row, transfer_query};
use crate::{Store, StoreError, now};

/// Which side of a request a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// 办理转出: requests whose member is in the scope.
    Out,
    /// 办理转入: requests whose receiving organisation is in the scope.
    In,
}

/// Waiting or finished (decided, withdrawn or past their time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferFilter {
    Pending,
    Done,
}

#[derive(Debug, Clone, Serialize)]
pub struct TransferPage {
    pub items: Vec<Transfer>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The four lists' conditions, each a static text over the side's index.
macro_rules! side_condition {
    (out, pending) => {
        "t.from_path >= $1 AND t.from_path < $2 AND t.status IN ('pending_out', 'pending_in') AND t.expires_at > $3"
    };
    (out, done) => {
        "t.from_path >= $1 AND t.from_path < $2 AND (t.status NOT IN ('pending_out', 'pending_in') OR t.expires_at <= $3)"
    };
    (in, pending) => {
        "t.to_path >= $1 AND t.to_path < $2 AND t.status IN ('pending_out', 'pending_in') AND t.expires_at > $3"
    };
    (in, done) => {
        "t.to_path >= $1 AND t.to_path < $2 AND (t.status NOT IN ('pending_out', 'pending_in') OR t.expires_at <= $3)"
    };
}

macro_rules! list_sql {
    ($side:tt, $filter:tt) => {
        (
            transfer_query!(
                "WHERE ",
                side_condition!($side, $filter),
                " ORDER BY t.started_at DESC, t.id DESC LIMIT $4 OFFSET $5"
            ),
            concat!(
                "SELECT COUNT(*) FROM transfers t WHERE ",
                side_condition!($side, $filter)
            ),
        )
    };
}

impl Store {
    /// One page of the scope's requests on one side.
    pub async fn transfer_list(
        &self,
        scope: &OrgPath,
        side: Side,
        filter: TransferFilter,
        page: i64,
        per_page: i64,
    ) -> Result<TransferPage, StoreError> {
        let (list, count) = match (side, filter) {
            (Side::Out, TransferFilter::Pending) => list_sql!(out, pending),
            (Side::Out, TransferFilter::Done) => list_sql!(out, done),
            (Side::In, TransferFilter::Pending) => list_sql!(in, pending),
            (Side::In, TransferFilter::Done) => list_sql!(in, done),
        };
        let (lo, hi) = scope.subtree_range();
        let at = now();
        let page = page.max(1);
        let rows = sqlx::query(list)
            .bind(&lo)
            .bind(&hi)
            .bind(at)
            .bind(per_page)
            .bind((page - 1) * per_page)
            .fetch_all(self.pool())
            .await?;
        let total: i64 = sqlx::query_scalar(count)
            .bind(&lo)
            .bind(&hi)
            .bind(at)
            .fetch_one(self.pool())
            .await?;
        Ok(TransferPage {
            items: rows
                .iter()
                .map(transfer_from_row)
                .collect::<Result<_, _>>()?,
            total,
            page,
            per_page,
        })
    }
}
