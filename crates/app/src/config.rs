//! Server settings that are not in the database; from the command line.

use std::net::IpAddr;
use std::time::Duration;

use tuanjian_store::throttle::Policy;

#[derive(Debug, Clone)]
pub struct Config {
    /// Seconds of inactivity after which a session ends.
    pub idle_timeout: i64,
    /// Lockout per account (ID number typed).
    pub account_lockout: Policy,
    /// Lockout per client address, looser: a school's NAT hides many honest users.
    pub address_lockout: Policy,
    /// Addresses allowed to read /metrics.
    pub metrics_allow: Vec<IpAddr>,
    /// Set the Secure flag on cookies (behind HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from the last X-Forwarded-For hop (behind a reverse proxy).
    pub trust_forwarded_for: bool,
    /// Argon2 hashing threads (auth::password_hash), each holding 19 MiB once it has hashed.
    /// One per core: with half the cores logins reached only ~60 % of what the cores can hash
    /// (docs/benchmarks.md, "Issue 10: logins", also for pages while logins saturate).
    pub hash_concurrency: usize,
    /// How long an organisation import waits for its turn to read its file (imports take turns:
    /// `member_import::jobs::PARSING_AT_ONCE`) before answering 503 `import_busy`.
    pub import_turn_wait: Duration,
    /// Days a transfer may wait for a decision before it lapses (`tuanjian daily`).
    pub transfer_lapse_days: i64,
    /// An executable that checks an uploaded PDF in its own process (`EXE check-pdf FILE`:
    /// prints the page count and exits 0, or why it is no PDF and exits 2); `None` checks in
    /// this process (`files::pdf::pages_of`). The server sets its own binary.
    pub pdf_checker: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            idle_timeout: 30 * 60,
            account_lockout: Policy {
                max_failures: 5,
                window: 15 * 60,
                lock_for: 15 * 60,
            },
            address_lockout: Policy {
                max_failures: 50,
                window: 15 * 60,
                lock_for: 15 * 60,
            },
            metrics_allow: vec![
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
            ],
            secure_cookies: false,
            trust_forwarded_for: false,
            hash_concurrency: std::thread::available_parallelism().map_or(1, |n| n.get()),
            import_turn_wait: Duration::from_secs(20),
            transfer_lapse_days: tuanjian_domain::transfer::TRANSFER_LAPSE_DAYS,
            pdf_checker: None,
        }
    }
}
