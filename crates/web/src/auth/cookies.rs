//! The few cookies the app sets; parsed by hand (one header, three names).

use axum::http::HeaderMap;

pub const SESSION: &str = "tj_session";
/// Double-submit token for the login form, which has no session yet.
pub const LOGIN_CSRF: &str = "tj_login_csrf";

pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub fn set(name: &str, value: &str, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear(name: &str, secure: bool) -> String {
    format!(
        "{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; tj_session=abc123; b=2".parse().unwrap());
        assert_eq!(get(&h, SESSION), Some("abc123"));
        assert_eq!(get(&h, LOGIN_CSRF), None);
        h.insert("cookie", "tj_session=bad;value".parse().unwrap());
        assert_eq!(get(&h, SESSION), Some("bad"));
        h.insert("cookie", "tj_session=<script>".parse().unwrap());
        assert_eq!(get(&h, SESSION), None);
    }
}
