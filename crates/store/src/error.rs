use thiserror::Error;
use tuanjian_domain::ErrorCode;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("数据库地址“{0}://…”无法识别：请使用 sqlite://文件名 或 postgres://用户@主机/数据库")]
    BadUrl(String),
    #[error("无法连接数据库 {0}")]
    Unreachable(String),
    #[error("数据库迁移失败：{0}")]
    Migration(String),
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("记录不存在")]
    NotFound,
    /// A uniqueness or state conflict the caller should report; the code is stable.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// A promise the store's own code broke (a row it wrote and cannot find): a bug, reported
    /// as an internal error.
    #[error("内部错误：{0}")]
    Broken(&'static str),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    /// From the direct SQLite reads (`direct_read`).
    #[error("数据库错误：{0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// Every pooled connection stayed busy for the pool's whole wait: the caller may retry later.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::PoolTimedOut))
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }

    /// The database closed the connection (a restart, a failover): what was not retried —
    /// a transaction cut off half-way, or a connection lost on every attempt — may succeed if
    /// the user tries again.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, StoreError::Db(e) if crate::reconnect::is_connection_lost(e))
    }
}
