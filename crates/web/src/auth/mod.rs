//! Who is asking: sessions, CSRF, roles. Logging in is `tuanjian_app::account::login`.

pub mod client;
pub mod cookies;
pub mod csrf;
pub use tuanjian_app::authority as role;
pub use tuanjian_app::password_hash;
pub mod user;
