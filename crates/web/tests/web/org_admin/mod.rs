//! Organisation administration (`src/org_admin/`): admins, deletion, migration and the inbox,
//! search, and live search in a browser.

mod admins;
mod browser;
mod delete;
mod moves;
mod search;
