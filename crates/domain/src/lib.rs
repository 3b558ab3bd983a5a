//! The league's rules, with no database, HTTP or async: types that parse, not validate.

pub mod address_codes;
pub mod id_number;
pub mod org_kind;
pub mod org_path;
pub mod password;
pub mod provinces;
pub mod text;

pub use id_number::{IdNumber, IdNumberError, Sex};
pub use org_kind::{OrgClass, OrgKind, OrgLevel, OrgRuleError};
pub use org_path::{OrgPath, Relation};
pub use password::{NewPassword, PasswordError};
pub use text::{BoundedText, TextError};
pub mod org_info;
pub mod permissions;

pub use org_info::{InfoForm, OrgInfo, SchoolCode};
pub use permissions::{Action, ActorRole, Refusal, authorize};
