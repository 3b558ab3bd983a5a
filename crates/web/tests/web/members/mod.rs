//! Members and cadres (`src/members/`): the API, the pages, scope, and the journey in a browser.

mod api;
mod assist;
mod browser;
mod cadre_paging;
mod form_browser;
mod key_paging;
mod name_order;
mod name_search;
mod pages;
mod scope;
mod tables;
mod tables_browser;
