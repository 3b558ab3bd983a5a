//! Who is asking: sessions, login, CSRF, roles.

pub mod client;
pub mod cookies;
pub mod csrf;
pub mod login;
pub mod password_hash;
pub mod role;
pub mod user;
