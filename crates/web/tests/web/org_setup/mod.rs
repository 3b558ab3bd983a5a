//! Organisation setup (`src/org_setup/`), on SQLite and PostgreSQL: creating child
//! organisations one by one (`create`) and from Excel (`import`), registration codes and
//! 管理员注册 (`codes`), 学校机构编号 (`school_code`), completion rates (`completion`), with the
//! permission checks; the journey in a browser (`browser`). Below: what the modules share.

mod browser;
mod codes;
mod completion;
mod create;
mod import;
mod school_code;

use crate::support::setup::*;
use crate::support::{ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp, csrf_of, location};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::{IdNumber, OrgInfo, OrgKind, OrgLevel};
use tuanjian_sheet::{Column, Template, read_rows, write_filled};
use tuanjian_store::audit::Actor;
use tuanjian_store::org_info::{SecretaryInput, set_secretary, write_info_fields};
use tuanjian_store::orgs::Org;
use tuanjian_web::org_setup::create::ChildOptions;
use tuanjian_web::org_setup::import::children_template;

fn code_like(v: &Value) -> bool {
    let s = v.as_str().unwrap_or("");
    s.len() == 14
        && s.split('-').count() == 3
        && s.chars()
            .filter(|c| *c != '-')
            .all(|c| "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c))
}
