//! The store's integration tests in one program: the store on a fresh database per test
//! (`support`), one module per area named as the code module it tests (`src/members.rs` →
//! `members`), and `sealed`, which keeps the database inside this crate.

#[macro_use]
mod support;

mod dues;
mod graduation;
mod members;
mod org_delete;
mod org_moves;
mod sealed;
