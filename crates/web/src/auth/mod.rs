//! Who is asking: sessions, login, CSRF, roles.

pub mod client;
pub mod cookies;
pub mod csrf;
pub mod login;
pub use tuanjian_app::authority as role;
pub use tuanjian_app::password_hash;
pub mod user;
