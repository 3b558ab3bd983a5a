//! The signed-in person's own account: logging in (lockouts, verification, the session),
//! changing the password, switching the active role, logging out. Cookies and tokens are the
//! adapters' business; the session itself is made and ended here.

pub mod login;
pub mod logout;
pub mod password;
pub mod switch_role;

/// Counts what operators watch (logins, lockouts); the web server's metrics implement it.
pub trait Tally: Send + Sync {
    fn login(&self, ok: bool);
    fn lockout(&self);
}

/// Compares in time independent of where the strings differ (tokens, initial passwords).
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_token_compares_whole_strings() {
        assert!(super::same_token("abc", "abc"));
        assert!(!super::same_token("abc", "abd"));
        assert!(!super::same_token("abc", "abcd"));
    }
}
