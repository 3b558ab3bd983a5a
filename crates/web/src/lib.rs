//! The tuanjian server: pages, JSON API, operations endpoints and the command line.

pub mod age_cases;
pub mod api;
pub mod app;
pub mod archives;
pub mod auth;
pub mod cli;
pub mod dev_ranges;
pub mod dues;
pub mod error;
pub mod extract;
pub mod graduation;
pub mod leaving;
pub mod me;
pub mod member_import;
pub mod members;
pub mod ops;
pub mod org_admin;
pub mod org_edit;
pub mod org_setup;
pub mod pages;
pub mod pdf_download;
pub mod recommendations;
pub mod reset;
pub mod reviews;
pub mod self_service;
pub mod star_ratings;
pub mod state;
pub mod statistics;
pub mod transfers;

pub use app::router;
pub use state::AppState;
pub use tuanjian_app::{Config, config};
