//! The league's rules, with no database, HTTP or async: types that parse, not validate.

pub mod address_codes;
pub mod audit_action;
pub mod error_code;
pub mod id_number;
pub mod org_kind;
pub mod org_path;
pub mod password;
pub mod provinces;
pub mod text;

pub use error_code::ErrorCode;
pub use id_number::{IdNumber, IdNumberError, Sex};
pub use org_kind::{OrgClass, OrgKind, OrgLevel, OrgRuleError};
pub use org_path::{OrgPath, Relation};
pub use password::{NewPassword, PasswordError};
pub use text::{BoundedText, CharName, TextError};
pub mod org_info;
pub mod permissions;

pub use org_info::{InfoForm, OrgInfo, SchoolCode};
pub use permissions::{Action, ActorRole, Refusal, authorize};
pub mod dev_number;
pub mod dev_range;
pub mod dues;
pub mod entry_rules;
pub mod enums;
pub mod field_check;
pub mod identity_status;
pub mod join_age;
pub mod join_month;
pub mod leaving;
pub mod member_fault;
pub mod recommendation;
pub mod review;
pub mod star_rating;

pub use dev_number::{DevNumber, DevNumberError};
pub use dev_range::{DevRange, DevRangeError};
pub use entry_rules::{AgeRule, MemberEntry, ValidEntry};
pub use enums::{
    CadreNature, Choice, ChoiceError, Education, Ethnicity, MembershipStatus, Occupation,
    PoliticalStatus, Post,
};
pub use identity_status::IdentityStatus;
pub use join_month::{JoinMonth, JoinMonthError};
pub use member_fault::{MemberFault, MemberFaultCode, MemberField};
pub mod member_record;

pub use member_record::{
    BranchContext, CadreInput, MemberInput, NewCadre, NewMember, Profile, ProfileInput,
};
pub mod one_time_code;
pub mod own_details;
pub mod reg_code;
pub mod reset_code;
pub mod self_service;

pub use one_time_code::{CodeState, Validity};
pub use reg_code::{REGISTRATION_CODE_VALIDITY, RegCode};
pub use reset_code::{RESET_CODE_VALIDITY, ResetCode};
pub mod archive;
pub mod graduation;
pub mod name_order;
pub mod transfer;
