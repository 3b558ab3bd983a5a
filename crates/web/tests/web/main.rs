//! The web crate's integration tests in one program, so the whole app is linked once: the real
//! HTTP app on a fresh database per test (`support`), one module per area named as the code
//! module it tests (`src/org_setup/` → `org_setup`), and each area's journeys in headless
//! Chromium in its `browser` module. All tests of the program run in parallel threads of one
//! process; `support` says what they share.

#[macro_use]
mod support;

mod a11y;
mod age_cases;
mod api;
mod archives;
mod auth;
mod cli;
mod copy_to;
mod counters;
mod dev_ranges;
pub mod dues;
mod error_codes;
mod extract;
mod graduation;
mod leaving;
mod me;
mod member_import;
mod members;
mod ops;
mod org_admin;
mod org_edit;
mod org_setup;
mod pages;
mod permissions;
mod recommendations;
mod reset;
mod reviews;
mod self_service;
mod star_ratings;
mod statistics;
mod transfers;
