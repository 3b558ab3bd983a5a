//! The demo accounts listed on the login page: who they are and how they log in.

use tuanjian_domain::IdNumber;
use tuanjian_store::settings::DemoAccount;

use crate::DEMO_PASSWORD;

/// The demo's central admin, the same in every demo database.
pub const CENTRAL_ADMIN_NAME: &str = "王建国";

/// Born 4 May 1990 in 东城区, sequence 001 (male).
pub fn central_admin_id_number() -> IdNumber {
    IdNumber::from_first17("11010119900504001")
}

/// A person who becomes a demo account.
pub struct Pick {
    pub label: String,
    pub person_id: i64,
    pub id_number: IdNumber,
    /// Left in the initial state: logs in with the last 8 characters of the ID number.
    pub initial: bool,
}

impl Pick {
    pub fn new(label: String, person_id: i64, id_number: IdNumber) -> Self {
        Self {
            label,
            person_id,
            id_number,
            initial: false,
        }
    }

    pub fn account(&self) -> DemoAccount {
        DemoAccount {
            label: self.label.clone(),
            id_number: self.id_number.as_str().to_string(),
            password: if self.initial {
                self.id_number.initial_password().to_string()
            } else {
                DEMO_PASSWORD.to_string()
            },
        }
    }
}

pub const INITIAL_MEMBER_LABEL: &str = "团员（初始密码，首次登录须改密）";

pub fn province_admin(org: &str) -> String {
    format!("省级团委管理员（{org}）")
}

pub fn city_admin(org: &str) -> String {
    format!("市级团委管理员（{org}）")
}

pub fn county_admin(org: &str) -> String {
    format!("县级团委管理员（{org}）")
}

pub fn school_admin(org: &str) -> String {
    format!("学校团委管理员（{org}）")
}

pub fn branch_secretary(branch: &str) -> String {
    format!("团支部书记兼团支部管理员（{branch}）")
}

pub fn several_roles(branch: &str, school: &str) -> String {
    format!("一人多岗：{branch}团员兼书记、{school}管理员")
}
