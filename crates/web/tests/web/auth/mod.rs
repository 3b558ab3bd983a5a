//! Signing in (`src/auth/`): login, lockout, sessions, CSRF and roles; the throttled password
//! change; the first sign-in journeys in a browser.

mod browser;
mod login;
mod password_throttle;
