//! Server-rendered pages in Simplified Chinese. Handlers are thin: they parse, call the store or
//! a service, and render.

pub mod account;
pub mod assets;
pub mod crumbs;
pub mod error;
pub mod frame;
pub mod home;
pub mod login;
pub mod menu;
pub mod nav;
pub mod orgs;
