//! 完善组织信息 for the demo's bodies: most are complete, about one in ten is left for its admin
//! to finish, so completion rates and reminders have something to show. Completeness is judged
//! by the domain's own rule, with the 书记 (always set by the demo) counted as filled.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tuanjian_domain::OrgClass;
use tuanjian_domain::org_info::{InfoForm, OrgInfo, industry};

/// The info columns of one organisation.
pub struct Info {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub industry: Option<&'static str>,
    pub admin_staff_quota: Option<i64>,
    pub admin_staff_actual: Option<i64>,
    pub career_staff_quota: Option<i64>,
    pub career_staff_actual: Option<i64>,
    pub school_code: Option<String>,
    pub complete: bool,
}

fn is_school_industry(code: Option<&str>) -> bool {
    code.and_then(industry).is_some_and(|i| i.school)
}

/// Hands out info; numbers schools so their 学校机构编号 never repeat.
#[derive(Default)]
pub struct InfoMaker {
    schools: u32,
}

impl InfoMaker {
    /// `industry` is what the planner chose; `parent_industry` what the parent stores (a
    /// school's classes are not independent schools and need no school code).
    pub fn make(
        &mut self,
        rng: &mut ChaCha8Rng,
        org_id: i64,
        class: OrgClass,
        industry: Option<&'static str>,
        parent_industry: Option<&str>,
        province_code: &str,
    ) -> Info {
        let finished = rng.random_bool(0.9);
        let mut info = Info {
            phone: None,
            email: None,
            industry: None,
            admin_staff_quota: None,
            admin_staff_actual: None,
            career_staff_quota: None,
            career_staff_actual: None,
            school_code: None,
            complete: false,
        };
        match InfoForm::of(class) {
            InfoForm::LeadingBody => {
                info.phone = Some(format!(
                    "0{}-{}",
                    rng.random_range(10..=999),
                    rng.random_range(60_000_000..=89_999_999)
                ));
                info.email = Some(format!("tw{org_id}@example.cn"));
                if finished {
                    let admin = rng.random_range(2..=12);
                    let career = rng.random_range(0..=4);
                    info.admin_staff_quota = Some(admin);
                    info.admin_staff_actual = Some(rng.random_range(1..=admin));
                    info.career_staff_quota = Some(career);
                    info.career_staff_actual = Some(rng.random_range(0..=career));
                }
            }
            InfoForm::GrassrootsCommittee => {
                info.industry = industry;
                if finished {
                    // Schools' and firms' league bodies rarely have posts of their own: 0.
                    info.admin_staff_quota = Some(0);
                    info.admin_staff_actual = Some(0);
                    info.career_staff_quota = Some(0);
                    info.career_staff_actual = Some(0);
                }
            }
            InfoForm::Branch => {
                if finished {
                    info.industry = industry;
                }
            }
        }
        let school = !class.level.is_leading_body()
            && is_school_industry(info.industry)
            && !is_school_industry(parent_industry);
        if school && finished {
            self.schools += 1;
            info.school_code = Some(format!("4{province_code}{:07}", self.schools));
        }
        let domain = OrgInfo {
            phone: info.phone.clone(),
            email: info.email.clone(),
            industry: info.industry.map(str::to_string),
            admin_staff_quota: info.admin_staff_quota,
            admin_staff_actual: info.admin_staff_actual,
            career_staff_quota: info.career_staff_quota,
            career_staff_actual: info.career_staff_actual,
            // Every demo body has its 书记, with name, ID number and mobile.
            secretary_name: Some("书记".into()),
            secretary_id_number: Some("书记".into()),
            secretary_phone: Some("书记".into()),
            school_code: info.school_code.clone(),
        };
        info.complete = domain.missing(class, school).is_empty();
        info
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use tuanjian_domain::org_info::SchoolCode;
    use tuanjian_domain::{OrgKind, OrgLevel};

    #[test]
    fn schools_get_valid_codes_and_classes_none() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut maker = InfoMaker::default();
        let school = OrgClass {
            level: OrgLevel::Grassroots,
            kind: OrgKind::Committee,
        };
        let class = OrgClass {
            level: OrgLevel::Grassroots,
            kind: OrgKind::Branch,
        };
        let mut complete = 0;
        for id in 0..200 {
            let info = maker.make(&mut rng, id, school, Some("05PTGZ"), None, "13");
            if let Some(code) = &info.school_code {
                SchoolCode::parse(code).unwrap();
            }
            complete += i32::from(info.complete);
            let branch = maker.make(&mut rng, id, class, Some("05PTGZ"), Some("05PTGZ"), "13");
            assert!(branch.school_code.is_none());
            assert_eq!(branch.complete, branch.industry.is_some());
        }
        assert!((150..200).contains(&complete), "{complete}");
    }
}
