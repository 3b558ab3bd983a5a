//! The use cases of tuanjian, one function each: they take the actor's authority and typed
//! input, run the checks, the transaction and the audit record, and return a typed result or a
//! `Fault`. Pages, the JSON API, the command line and background jobs are thin adapters over
//! them. Nothing here knows HTTP, templates or the command line; only `store` touches the
//! database.

pub mod account;
pub mod age_cases;
pub mod archives;
pub mod authority;
pub mod beijing;
pub mod config;
pub mod context;
pub mod dev_ranges;
pub mod dues;
pub mod fault;
pub mod files;
pub(crate) mod filled_sheet;
pub mod graduation;
pub mod leaving;
pub mod me;
pub mod member_import;
pub mod members;
pub mod org_admin;
pub mod org_edit;
pub mod org_setup;
pub mod password_hash;
pub mod recommendations;
pub mod reset;
pub mod reviews;
pub mod self_service;
pub mod signed;
pub mod star_ratings;
pub mod statistics;
pub mod transfers;

pub use authority::Authority;
pub use config::Config;
pub use context::App;
pub use fault::Fault;
pub use signed::Signed;
pub use tuanjian_domain::ErrorCode;
