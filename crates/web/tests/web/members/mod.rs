//! Members and cadres (`src/members/`): the API, the pages, scope, and the journey in a browser.

mod api;
mod browser;
mod name_order;
mod pages;
mod scope;
