//! Plans the organisation tree below the provincial committees: 市级团委 → 县级团委 → schools and
//! firms → 团总支 → 团支部, sized so the branches hold exactly the requested members.

use std::collections::HashSet;

use anyhow::bail;
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;
use tuanjian_domain::{OrgClass, OrgKind, OrgLevel};

use crate::names::{self, cn_number, committee_full, general_branch_full, work_committee_full};
use crate::regions::{PRIORITY, Region};

/// 单位所属行业类别 codes (tuanjian_domain::org_info::INDUSTRIES) of the demo's units.
mod industry {
    pub const GOVERNMENT: &str = "01DZJG";
    pub const PUBLIC_INSTITUTION: &str = "02SYDW";
    pub const UNIVERSITY: &str = "03PTGDYX";
    pub const VOCATIONAL_COLLEGE: &str = "04ZYJYXX";
    pub const SENIOR_HIGH: &str = "05PTGZ";
    pub const VOCATIONAL_SCHOOL: &str = "051ZDZYYX";
    pub const JUNIOR_HIGH: &str = "06CZ";
    pub const STATE_OWNED: &str = "08GYQY";
    pub const PRIVATE: &str = "09FGQY";
}

/// Members of a branch are `ages.0..=ages.1` years old today.
pub type Ages = (u32, u32);
const ADULTS: Ages = (20, 28);
const STAFF: Ages = (22, 28);

pub struct PlannedOrg {
    pub id: i64,
    pub parent_id: i64,
    pub path: String,
    pub depth: i64,
    pub class: OrgClass,
    pub short_name: String,
    pub full_name: String,
    pub province_id: i64,
    pub xinjiang: bool,
    /// Index into the regions slice.
    pub region: usize,
    /// Members to generate (branches only).
    pub members: u32,
    pub ages: Ages,
    /// Address codes most of its members carry (the rest come from anywhere in the region).
    pub local: &'static [&'static str],
    /// 单位所属行业类别 code of a grassroots body (inherited from the unit it belongs to).
    pub industry: Option<&'static str>,
}

/// Organisations whose admins and secretaries become the demo accounts.
#[derive(Debug, Default)]
pub struct DemoPicks {
    pub province: Option<i64>,
    pub city: Option<i64>,
    pub county: Option<i64>,
    pub school: Option<i64>,
    /// The school's first two branches.
    pub branches: Vec<i64>,
}

pub struct Plan {
    pub orgs: Vec<PlannedOrg>,
    pub picks: DemoPicks,
}

#[derive(Clone)]
struct Node {
    id: i64,
    path: String,
    depth: i64,
    class: OrgClass,
    province_id: i64,
    xinjiang: bool,
    region: usize,
    industry: Option<&'static str>,
}

/// Where a unit stands: the prefix of its names and the address codes of its people.
struct Place<'a> {
    loc: &'a str,
    short_loc: &'a str,
    local: &'static [&'static str],
}

/// What a place has used up, so names stay unique within it.
#[derive(Default)]
struct PlaceCounters {
    senior: u32,
    junior: u32,
    vocational: bool,
    park: bool,
    enterprise: usize,
    hospital: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Senior,
    Junior,
    Vocational,
    Enterprise,
    Hospital,
    Park,
}

struct Planner<'a> {
    rng: &'a mut ChaCha8Rng,
    regions: &'a [Region],
    taken: &'a mut HashSet<String>,
    orgs: Vec<PlannedOrg>,
    next_id: i64,
    /// Enrolment year of this school year's first grade (高一, 大一).
    first_grade_year: i32,
    picks: DemoPicks,
}

/// Plans the whole tree. `taken` holds the full names already in the database and receives the
/// new ones; ids start at `first_id`.
pub fn plan(
    rng: &mut ChaCha8Rng,
    regions: &[Region],
    members: u64,
    first_id: i64,
    first_grade_year: i32,
    taken: &mut HashSet<String>,
) -> anyhow::Result<Plan> {
    let mut planner = Planner {
        rng,
        regions,
        taken,
        orgs: Vec::new(),
        next_id: first_id,
        first_grade_year,
        picks: DemoPicks::default(),
    };
    // Regions join by priority as the count grows; all 32 from about 465,000 members.
    let wanted = members.div_ceil(15_000).clamp(2, PRIORITY.len() as u64) as usize;
    let used: Vec<usize> = PRIORITY
        .iter()
        .filter_map(|code| regions.iter().position(|r| r.code == Some(*code)))
        .take(wanted)
        .collect();
    let Some(&demo_region) = used.first() else {
        bail!("数据库中没有省级团委，无法生成演示数据");
    };
    // The 系统团委 get two small bodies each once the demo is large.
    let system_unit_size = (members / 2000).clamp(40, 2000);
    let system_regions: Vec<usize> = if members >= 50_000 {
        (0..regions.len())
            .filter(|&i| regions[i].code.is_none() && !regions[i].system_units.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let system_total: u64 = system_regions
        .iter()
        .map(|&i| regions[i].system_units.len() as u64 * system_unit_size)
        .sum();
    let weights: Vec<u64> = used.iter().map(|&i| regions[i].weight.max(1)).collect();
    let quotas = share(members - system_total, &weights);
    // Build in table order so ids follow the order 团中央 lists its committees in.
    for (i, region) in regions.iter().enumerate() {
        let node = Node {
            id: region.org.id,
            path: region.org.path.clone(),
            depth: 1,
            class: OrgClass {
                level: OrgLevel::Provincial,
                kind: region.org.kind,
            },
            province_id: region.org.id,
            xinjiang: region.org.xinjiang,
            region: i,
            industry: None,
        };
        if let Some(k) = used.iter().position(|&u| u == i) {
            if i == demo_region {
                planner.picks.province = Some(region.org.id);
            }
            planner.region(&node, quotas[k], i == demo_region)?;
        } else if system_regions.contains(&i) {
            for unit in region.system_units {
                planner.system_unit(&node, unit, system_unit_size)?;
            }
        }
    }
    Ok(Plan {
        orgs: planner.orgs,
        picks: planner.picks,
    })
}

/// Organisations the default plan makes per 1,000,000 members, the first guess for a target.
const ORGS_PER_MILLION: u64 = 32_000;

/// Plans a tree of about `target` organisations: shaped as the plan for a larger (or smaller)
/// membership, then holding only `members` members, spread in proportion to the sizes the
/// branches were planned with and at least one per branch (two in the demo branch, which gives
/// two demo accounts). `members` is raised to that minimum when smaller.
#[allow(clippy::too_many_arguments)]
pub fn plan_for_orgs(
    rng: &mut ChaCha8Rng,
    regions: &[Region],
    members: u64,
    target: u64,
    first_id: i64,
    first_grade_year: i32,
    taken: &mut HashSet<String>,
) -> anyhow::Result<Plan> {
    let start_rng = rng.clone();
    let start_taken = taken.clone();
    let mut shape = (target * 1_000_000 / ORGS_PER_MILLION).max(MIN_SHAPE_MEMBERS);
    // The count grows almost linearly with the membership: a few corrections land within 1%.
    for attempt in 0.. {
        let mut r = start_rng.clone();
        let mut t = start_taken.clone();
        let mut plan = plan(&mut r, regions, shape, first_id, first_grade_year, &mut t)?;
        let made = plan.orgs.len() as u64;
        let next = (u128::from(shape) * u128::from(target) / u128::from(made.max(1))) as u64;
        let next = next.max(MIN_SHAPE_MEMBERS);
        if made.abs_diff(target) * 100 <= target || attempt == 7 || next == shape {
            spread_members(&mut plan, members);
            *rng = r;
            *taken = t;
            return Ok(plan);
        }
        shape = next;
    }
    unreachable!("the loop returns")
}

/// The smallest membership a tree is shaped for.
const MIN_SHAPE_MEMBERS: u64 = 100;

/// Gives the branches `members` members in proportion to their planned sizes, at least one
/// each (two in the first demo branch).
fn spread_members(plan: &mut Plan, members: u64) {
    let demo_branch = plan.picks.branches.first().copied();
    // (index, least members) of every branch.
    let branches: Vec<(usize, u64)> = (0..plan.orgs.len())
        .filter(|&i| plan.orgs[i].class.kind.is_branch())
        .map(|i| {
            (
                i,
                if Some(plan.orgs[i].id) == demo_branch {
                    2
                } else {
                    1
                },
            )
        })
        .collect();
    let required: u64 = branches.iter().map(|b| b.1).sum();
    let total = members.max(required);
    let weights: Vec<u64> = branches
        .iter()
        .map(|&(i, _)| u64::from(plan.orgs[i].members).max(1))
        .collect();
    let extra = share(total - required, &weights);
    for (&(i, least), more) in branches.iter().zip(extra) {
        plan.orgs[i].members = u32::try_from(least + more).unwrap_or(u32::MAX);
    }
}

/// Splits `total` in proportion to `weights`, largest remainders first, summing exactly.
fn share(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|w| (total as u128 * *w as u128 / sum as u128) as u64)
        .collect();
    let mut rest = total - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse((
            total as u128 * weights[i] as u128 % sum as u128,
            usize::MAX - i,
        ))
    });
    for i in order.into_iter().cycle() {
        if rest == 0 {
            break;
        }
        parts[i] += 1;
        rest -= 1;
    }
    parts
}

/// Branch sizes for a unit of `total` members: 20 to 50 each (fewer only if the unit is tiny),
/// and at least two branches from 40 members.
/// Branch sizes adding up to `total`: mostly 20 to 50 members, but, as in the real league
/// (whose statistics count them apart), some branches of one or two members (a firm with few
/// young staff) and some of more than 50 (a large workshop or year group).
fn branch_sizes(rng: &mut impl Rng, total: u64) -> Vec<u32> {
    sizes_of(rng, total, true)
}

/// Branch sizes of 20 to 50 only (the demo school, whose first classes give demo accounts).
fn regular_branch_sizes(rng: &mut impl Rng, total: u64) -> Vec<u32> {
    sizes_of(rng, total, false)
}

/// Out of 100 new branches (of a total large enough to split), how many are tiny and large.
const TINY_BRANCHES: u32 = 4;
const LARGE_BRANCHES: u32 = 6;

fn sizes_of(rng: &mut impl Rng, total: u64, varied: bool) -> Vec<u32> {
    let mut sizes = Vec::new();
    let mut rest = total;
    while rest > 0 {
        let size = if rest <= 50 {
            rest
        } else {
            let roll = if varied {
                rng.random_range(0..100)
            } else {
                100
            };
            let s = if roll < TINY_BRANCHES {
                rng.random_range(1..=2)
            } else if roll < TINY_BRANCHES + LARGE_BRANCHES {
                // A few very large ones, so that some stay over 50 when an organisation
                // target spreads fewer members over the planned branches.
                let most = if rng.random_bool(0.2) { 240 } else { 90 };
                rng.random_range(51..=most)
            } else {
                rng.random_range(20..=50)
            };
            // What is left makes one more branch of at least 20 (`rest` is over 50 here).
            if s + 20 > rest { rest - 20 } else { s }
        };
        sizes.push(size as u32);
        rest -= size;
    }
    if sizes.len() == 1 && total >= 40 {
        let half = (total / 2) as u32;
        sizes = vec![half, total as u32 - half];
    }
    sizes
}

impl Planner<'_> {
    /// A full name not used yet: the planned name, or in the unlikely case of a clash with
    /// data already in the database, the same name numbered.
    fn unique(&mut self, full: String) -> String {
        if self.taken.insert(full.clone()) {
            return full;
        }
        (2..)
            .map(|n| format!("{full}（{n}）"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("some number is free")
    }

    fn add(
        &mut self,
        parent: &Node,
        class: OrgClass,
        short: String,
        full: String,
    ) -> anyhow::Result<Node> {
        parent.class.may_hold(class)?;
        let id = self.next_id;
        self.next_id += 1;
        let node = Node {
            id,
            path: format!("{}{id}/", parent.path),
            depth: parent.depth + 1,
            class,
            province_id: parent.province_id,
            xinjiang: parent.xinjiang,
            region: parent.region,
            industry: parent.industry,
        };
        let full_name = self.unique(full);
        self.orgs.push(PlannedOrg {
            id,
            parent_id: parent.id,
            path: node.path.clone(),
            depth: node.depth,
            class,
            short_name: short,
            full_name,
            province_id: node.province_id,
            xinjiang: node.xinjiang,
            region: node.region,
            members: 0,
            ages: ADULTS,
            local: &[],
            industry: node.industry,
        });
        Ok(node)
    }

    /// Sets the industry of the body just added (and so of everything below it).
    fn with_industry(&mut self, mut node: Node, code: &'static str) -> Node {
        let org = self.orgs.last_mut().expect("just added");
        debug_assert_eq!(org.id, node.id);
        org.industry = Some(code);
        node.industry = Some(code);
        node
    }

    fn committee(
        &mut self,
        parent: &Node,
        level: OrgLevel,
        kind: OrgKind,
        short: String,
        full: String,
    ) -> anyhow::Result<Node> {
        self.add(parent, OrgClass { level, kind }, short, full)
    }

    #[allow(clippy::too_many_arguments)]
    fn branch(
        &mut self,
        parent: &Node,
        graduating: bool,
        short: String,
        full: String,
        members: u32,
        ages: Ages,
        local: &'static [&'static str],
    ) -> anyhow::Result<i64> {
        let kind = if graduating {
            OrgKind::GraduatingBranch
        } else {
            OrgKind::Branch
        };
        let class = OrgClass {
            level: OrgLevel::Grassroots,
            kind,
        };
        let node = self.add(parent, class, short, full)?;
        let org = self.orgs.last_mut().expect("just added");
        org.members = members;
        org.ages = ages;
        org.local = local;
        Ok(node.id)
    }

    fn region(&mut self, node: &Node, quota: u64, demo: bool) -> anyhow::Result<()> {
        let region = &self.regions[node.region];
        // Universities stand directly under the provincial committee, as 高校团委 do.
        let university_quota = if quota >= 20_000 { quota * 12 / 100 } else { 0 };
        let city_total = quota - university_quota;
        let cities = (city_total.div_ceil(6000) as usize).clamp(1, region.municipals.len().max(1));
        let weights: Vec<u64> = (0..cities).map(|i| if i == 0 { 2 } else { 1 }).collect();
        if region.municipals.is_empty() {
            // Nowhere to put members (cannot happen for the 32 regions): keep the total exact.
            bail!("{}下没有可用的行政区划", region.org.short_name);
        }
        for (i, q) in share(city_total, &weights).into_iter().enumerate() {
            self.municipal(node, i, q, demo && i == 0)?;
        }
        let local = region.id_codes;
        let mut rest = university_quota;
        let mut n = 0;
        while rest > 0 {
            let mut size = self.rng.random_range(3000..=8000);
            if size >= rest || rest - size < 500 {
                size = rest;
            }
            let name = match region.universities.get(n) {
                Some(name) => name.clone(),
                None => format!(
                    "{}第{}职业学院",
                    region.abbr,
                    cn_number((n + 1 - region.universities.len()) as u32)
                ),
            };
            self.university(node, &name, size, local)?;
            rest -= size;
            n += 1;
        }
        Ok(())
    }

    fn municipal(
        &mut self,
        province: &Node,
        i: usize,
        quota: u64,
        demo: bool,
    ) -> anyhow::Result<()> {
        let regions = self.regions;
        let m = &regions[province.region].municipals[i];
        let node = self.committee(
            province,
            OrgLevel::Municipal,
            OrgKind::Committee,
            m.short.clone(),
            m.full.clone(),
        )?;
        if demo {
            self.picks.city = Some(node.id);
        }
        let city_place = Place {
            loc: &m.loc,
            short_loc: &m.short_loc,
            local: m.id_codes,
        };
        if m.counties.is_empty() {
            return self.units(&node, &city_place, quota, demo);
        }
        // A city runs some schools and firms itself; the rest stand under its counties.
        let direct = if quota >= 3000 { quota * 15 / 100 } else { 0 };
        let county_total = quota - direct;
        let counties = (county_total.div_ceil(1500) as usize).clamp(1, m.counties.len());
        for (k, q) in share(county_total, &vec![1; counties])
            .into_iter()
            .enumerate()
        {
            let c = &m.counties[k];
            let county = self.committee(
                &node,
                OrgLevel::County,
                OrgKind::Committee,
                c.short.clone(),
                c.full.clone(),
            )?;
            let demo_county = demo && k == 0;
            if demo_county {
                self.picks.county = Some(county.id);
            }
            let place = Place {
                loc: &c.loc,
                short_loc: &c.short_loc,
                local: c.id_codes,
            };
            self.units(&county, &place, q, demo_county)?;
        }
        self.units(&node, &city_place, direct, false)
    }

    /// Schools and firms of one place until `quota` members are placed. The first unit of the
    /// demo county is a senior high school (its admin and two branches become demo accounts).
    fn units(
        &mut self,
        parent: &Node,
        place: &Place,
        quota: u64,
        demo: bool,
    ) -> anyhow::Result<()> {
        let mut counters = PlaceCounters::default();
        let mut rest = quota;
        let mut first = true;
        while rest > 0 {
            let unit = if first && demo {
                Unit::Senior
            } else {
                self.pick_unit(&counters)
            };
            let (lo, hi) = match unit {
                Unit::Senior => (600, 2000),
                Unit::Junior => (150, 450),
                Unit::Vocational => (300, 1200),
                Unit::Enterprise => (60, 400),
                Unit::Hospital => (60, 250),
                Unit::Park => (100, 500),
            };
            let mut size = self.rng.random_range(lo..=hi);
            if size >= rest || rest - size < 60 {
                size = rest;
            }
            match unit {
                Unit::Senior => self.senior(parent, place, &mut counters, size, first && demo)?,
                Unit::Junior => self.junior(parent, place, &mut counters, size)?,
                Unit::Vocational => self.vocational(parent, place, &mut counters, size)?,
                Unit::Enterprise => self.enterprise(parent, place, &mut counters, size)?,
                Unit::Hospital => self.hospital(parent, place, &mut counters, size)?,
                Unit::Park => self.park(parent, place, &mut counters, size)?,
            }
            rest -= size;
            first = false;
        }
        Ok(())
    }

    fn pick_unit(&mut self, counters: &PlaceCounters) -> Unit {
        let mut choices = vec![
            (Unit::Senior, 25),
            (Unit::Junior, 20),
            (Unit::Enterprise, 25),
        ];
        if !counters.vocational {
            choices.push((Unit::Vocational, 10));
        }
        if counters.hospital < names::HOSPITALS.len() {
            choices.push((Unit::Hospital, 10));
        }
        if !counters.park {
            choices.push((Unit::Park, 8));
        }
        choices
            .choose_weighted(self.rng, |c| c.1)
            .expect("weights are positive")
            .0
    }

    fn school_committee(
        &mut self,
        parent: &Node,
        place: &Place,
        name: &str,
        industry: &'static str,
    ) -> anyhow::Result<(Node, String)> {
        let full_unit = format!("{}{name}", place.loc);
        let node = self.committee(
            parent,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            format!("{}{name}团委", place.short_loc),
            committee_full(&full_unit),
        )?;
        Ok((self.with_industry(node, industry), full_unit))
    }

    /// 高一 to 高三 classes; 高三 are graduating classes.
    fn senior(
        &mut self,
        parent: &Node,
        place: &Place,
        counters: &mut PlaceCounters,
        size: u64,
        demo: bool,
    ) -> anyhow::Result<()> {
        counters.senior += 1;
        let (school, school_name) = self.school_committee(
            parent,
            place,
            &format!("第{}中学", cn_number(counters.senior)),
            industry::SENIOR_HIGH,
        )?;
        if demo {
            self.picks.school = Some(school.id);
        }
        let sizes = if demo {
            regular_branch_sizes(self.rng, size)
        } else {
            branch_sizes(self.rng, size)
        };
        let per_grade = sizes.len().div_ceil(3);
        for (i, members) in sizes.into_iter().enumerate() {
            let grade = i / per_grade;
            let class = format!(
                "{}（{}）班团支部",
                ["高一", "高二", "高三"][grade],
                i % per_grade + 1
            );
            let age = 15 + grade as u32;
            let id = self.branch(
                &school,
                grade == 2,
                class.clone(),
                format!("{school_name}{class}"),
                members,
                (age, age + 1),
                place.local,
            )?;
            if demo && self.picks.branches.len() < 2 {
                self.picks.branches.push(id);
            }
        }
        Ok(())
    }

    /// Only 初三 pupils are old enough to be members; all are graduating classes.
    fn junior(
        &mut self,
        parent: &Node,
        place: &Place,
        counters: &mut PlaceCounters,
        size: u64,
    ) -> anyhow::Result<()> {
        counters.junior += 1;
        let (school, school_name) = self.school_committee(
            parent,
            place,
            &format!("第{}初级中学", cn_number(counters.junior)),
            industry::JUNIOR_HIGH,
        )?;
        for (i, members) in branch_sizes(self.rng, size).into_iter().enumerate() {
            let class = format!("初三（{}）班团支部", i + 1);
            self.branch(
                &school,
                true,
                class.clone(),
                format!("{school_name}{class}"),
                members,
                (14, 15),
                place.local,
            )?;
        }
        Ok(())
    }

    /// Three years of classes by major; the third year graduates.
    fn vocational(
        &mut self,
        parent: &Node,
        place: &Place,
        counters: &mut PlaceCounters,
        size: u64,
    ) -> anyhow::Result<()> {
        counters.vocational = true;
        let (school, school_name) = self.school_committee(
            parent,
            place,
            "职业技术教育中心",
            industry::VOCATIONAL_SCHOOL,
        )?;
        let sizes = branch_sizes(self.rng, size);
        let per_grade = sizes.len().div_ceil(3);
        let majors = names::VOCATIONAL_MAJORS;
        for (i, members) in sizes.into_iter().enumerate() {
            let grade = i / per_grade;
            let j = i % per_grade;
            let class = major_class(self.first_grade_year, grade, majors, j);
            let age = 15 + grade as u32;
            self.branch(
                &school,
                grade == 2,
                class.clone(),
                format!("{school_name}{class}"),
                members,
                (age, age + 1),
                place.local,
            )?;
        }
        Ok(())
    }

    /// A private firm's name in this place, not used yet.
    fn firm_name(&mut self, place: &Place) -> String {
        for _ in 0..50 {
            let brand = names::BRANDS.choose(self.rng).expect("not empty");
            let trade = names::TRADES.choose(self.rng).expect("not empty");
            let name = format!("{}{brand}{trade}有限公司", place.loc);
            if !self.taken.contains(&committee_full(&name))
                && !self.taken.contains(&format!("{name}团支部"))
            {
                return name;
            }
        }
        let n = self.next_id;
        format!("{}第{}实业有限公司", place.loc, n)
    }

    /// A firm's 团委 with a branch per department, sometimes grouped into 分公司 团总支.
    fn enterprise(
        &mut self,
        parent: &Node,
        place: &Place,
        counters: &mut PlaceCounters,
        size: u64,
    ) -> anyhow::Result<()> {
        let (name, code) = match names::LOCAL_ENTERPRISES.get(counters.enterprise) {
            Some(suffix) if suffix.ends_with("中心") => (
                format!("{}{suffix}", place.loc),
                industry::PUBLIC_INSTITUTION,
            ),
            Some(suffix) => (format!("{}{suffix}", place.loc), industry::STATE_OWNED),
            None => (self.firm_name(place), industry::PRIVATE),
        };
        counters.enterprise += 1;
        let short = name.strip_prefix(place.loc).unwrap_or(&name);
        let firm = self.committee(
            parent,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            format!("{}{short}团委", place.short_loc),
            committee_full(&name),
        )?;
        let firm = self.with_industry(firm, code);
        let sizes = branch_sizes(self.rng, size);
        if sizes.len() >= 6 && self.rng.random_bool(0.4) {
            let mut rest = &sizes[..];
            let mut k = 0;
            while !rest.is_empty() {
                k += 1;
                let take = self.rng.random_range(3..=5).min(rest.len());
                let (group, tail) = rest.split_at(take);
                rest = tail;
                let company = format!("{name}第{}分公司", cn_number(k));
                let general = self.committee(
                    &firm,
                    OrgLevel::Grassroots,
                    OrgKind::GeneralBranch,
                    format!("第{}分公司团总支", cn_number(k)),
                    general_branch_full(&company),
                )?;
                for (j, members) in group.iter().enumerate() {
                    let dept = names::department(j);
                    self.branch(
                        &general,
                        false,
                        format!("{dept}团支部"),
                        format!("{company}{dept}团支部"),
                        *members,
                        ADULTS,
                        place.local,
                    )?;
                }
            }
        } else {
            for (j, members) in sizes.into_iter().enumerate() {
                let dept = names::department(j);
                self.branch(
                    &firm,
                    false,
                    format!("{dept}团支部"),
                    format!("{name}{dept}团支部"),
                    members,
                    ADULTS,
                    place.local,
                )?;
            }
        }
        Ok(())
    }

    fn hospital(
        &mut self,
        parent: &Node,
        place: &Place,
        counters: &mut PlaceCounters,
        size: u64,
    ) -> anyhow::Result<()> {
        let kind = names::HOSPITALS[counters.hospital];
        counters.hospital += 1;
        let name = format!("{}{kind}", place.loc);
        let hospital = self.committee(
            parent,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            format!("{}{kind}团委", place.short_loc),
            committee_full(&name),
        )?;
        let hospital = self.with_industry(hospital, industry::PUBLIC_INSTITUTION);
        for (j, members) in branch_sizes(self.rng, size).into_iter().enumerate() {
            let dept = match names::HOSPITAL_DEPARTMENTS.get(j) {
                Some(d) => (*d).to_string(),
                None => format!(
                    "青年医师第{}",
                    cn_number((j + 1 - names::HOSPITAL_DEPARTMENTS.len()) as u32)
                ),
            };
            self.branch(
                &hospital,
                false,
                format!("{dept}团支部"),
                format!("{name}{dept}团支部"),
                members,
                STAFF,
                place.local,
            )?;
        }
        Ok(())
    }

    /// An industrial park's 团工委 holding one branch per firm in the park.
    fn park(
        &mut self,
        parent: &Node,
        place: &Place,
        counters: &mut PlaceCounters,
        size: u64,
    ) -> anyhow::Result<()> {
        counters.park = true;
        let name = format!("{}经济开发区", place.loc);
        let park = self.committee(
            parent,
            OrgLevel::Grassroots,
            OrgKind::WorkCommittee,
            format!("{}经济开发区团工委", place.short_loc),
            work_committee_full(&name),
        )?;
        let park = self.with_industry(park, industry::PRIVATE);
        for members in branch_sizes(self.rng, size) {
            let firm = self.firm_name(place);
            let short = firm.strip_prefix(place.loc).unwrap_or(&firm).to_string();
            self.branch(
                &park,
                false,
                format!("{short}团支部"),
                format!("{firm}团支部"),
                members,
                ADULTS,
                place.local,
            )?;
        }
        Ok(())
    }

    /// A university: colleges (团委 when large, else 团总支) with classes of four years.
    fn university(
        &mut self,
        province: &Node,
        name: &str,
        size: u64,
        local: &'static [&'static str],
    ) -> anyhow::Result<()> {
        let uni = self.committee(
            province,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            format!("{name}团委"),
            committee_full(name),
        )?;
        let code = if name.ends_with("职业技术学院") || name.ends_with("职业学院") {
            industry::VOCATIONAL_COLLEGE
        } else {
            industry::UNIVERSITY
        };
        let uni = self.with_industry(uni, code);
        let sizes = branch_sizes(self.rng, size);
        let colleges_n = sizes.len().div_ceil(16).clamp(1, names::COLLEGES.len());
        let mut colleges: Vec<usize> = (0..names::COLLEGES.len()).collect();
        colleges.shuffle(self.rng);
        colleges.truncate(colleges_n);
        colleges.sort_unstable();
        let per_college = sizes.len().div_ceil(colleges_n);
        for (c, chunk) in sizes.chunks(per_college).enumerate() {
            let (college, majors) = names::COLLEGES[colleges[c]];
            let place = format!("{name}{college}");
            let body = if chunk.len() <= 12 {
                self.committee(
                    &uni,
                    OrgLevel::Grassroots,
                    OrgKind::GeneralBranch,
                    format!("{college}团总支"),
                    general_branch_full(&place),
                )?
            } else {
                self.committee(
                    &uni,
                    OrgLevel::Grassroots,
                    OrgKind::Committee,
                    format!("{college}团委"),
                    committee_full(&place),
                )?
            };
            let per_grade = chunk.len().div_ceil(4);
            for (i, members) in chunk.iter().enumerate() {
                let grade = i / per_grade;
                let j = i % per_grade;
                let class = major_class(self.first_grade_year, grade, majors, j);
                let age = 18 + grade as u32;
                self.branch(
                    &body,
                    grade == 3,
                    class.clone(),
                    format!("{place}{class}"),
                    *members,
                    (age, age + 1),
                    local,
                )?;
            }
        }
        Ok(())
    }

    /// A central organ's or enterprise's 团委 under a 系统团委, a branch per department.
    fn system_unit(&mut self, system: &Node, name: &str, size: u64) -> anyhow::Result<()> {
        let unit = self.committee(
            system,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            format!("{name}团委"),
            committee_full(name),
        )?;
        let code = if name.ends_with("机关") {
            industry::GOVERNMENT
        } else {
            industry::STATE_OWNED
        };
        let unit = self.with_industry(unit, code);
        let local = self.regions[system.region].id_codes;
        for (j, members) in branch_sizes(self.rng, size).into_iter().enumerate() {
            let dept = names::department(j);
            self.branch(
                &unit,
                false,
                format!("{dept}团支部"),
                format!("{name}{dept}团支部"),
                members,
                STAFF,
                local,
            )?;
        }
        Ok(())
    }
}

/// A vocational or college class branch: "2024级机电技术1班团支部", the j-th class of a grade,
/// cycling through the majors.
fn major_class(first_grade_year: i32, grade: usize, majors: &[&str], j: usize) -> String {
    format!(
        "{}级{}{}班团支部",
        first_grade_year - grade as i32,
        majors[j % majors.len()],
        j / majors.len() + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn all_regions() -> Vec<Region> {
        let existing = tuanjian_domain::provinces::PROVINCIAL_COMMITTEES
            .iter()
            .enumerate()
            .map(|(i, p)| tuanjian_store::demo_data::ProvincialOrg {
                id: i as i64 + 2,
                path: format!("/1/{}/", i + 2),
                short_name: p.short_name.to_string(),
                full_name: p.full_name.to_string(),
                kind: p.kind,
                xinjiang: p.xinjiang,
            })
            .collect();
        crate::regions::build(existing).unwrap()
    }

    #[test]
    fn a_million_members_spread_over_every_region_with_unique_names() {
        let regions = all_regions();
        let mut taken = HashSet::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let plan = plan(&mut rng, &regions, 1_000_000, 100, 2026, &mut taken).unwrap();
        let members: u64 = plan.orgs.iter().map(|o| u64::from(o.members)).sum();
        assert_eq!(members, 1_000_000);
        let branches = plan
            .orgs
            .iter()
            .filter(|o| o.class.kind.is_branch())
            .count();
        assert!(branches >= 25_000, "{branches}");
        let mut provinces: Vec<i64> = plan.orgs.iter().map(|o| o.province_id).collect();
        provinces.sort_unstable();
        provinces.dedup();
        assert_eq!(provinces.len(), 37);
        // Names were planned unique; the numbered fallback for clashes is never needed.
        for o in &plan.orgs {
            assert!(
                o.full_name.ends_with("委员会") || o.full_name.ends_with("团支部"),
                "{}",
                o.full_name
            );
        }
        assert!(plan.picks.school.is_some() && plan.picks.branches.len() == 2);
        for o in &plan.orgs {
            if let Some(code) = o.industry {
                assert!(
                    tuanjian_domain::org_info::industry(code).is_some(),
                    "{code}"
                );
            }
            assert_eq!(o.industry.is_none(), o.class.level.is_leading_body());
        }
    }

    #[test]
    fn an_org_target_is_met_with_few_members() {
        let regions = all_regions();
        let mut taken = HashSet::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let plan =
            plan_for_orgs(&mut rng, &regions, 30_000, 20_000, 100, 2026, &mut taken).unwrap();
        let made = plan.orgs.len() as u64;
        assert!(made.abs_diff(20_000) <= 200, "{made}");
        let members: u64 = plan.orgs.iter().map(|o| u64::from(o.members)).sum();
        assert_eq!(members, 30_000);
        assert!(
            plan.orgs
                .iter()
                .all(|o| o.class.kind.is_branch() == (o.members > 0))
        );
        let demo = plan.picks.branches[0];
        assert!(plan.orgs.iter().any(|o| o.id == demo && o.members >= 2));
        // Too few members for the branches: one each (two in the demo branch).
        let mut taken = HashSet::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let small = plan_for_orgs(&mut rng, &regions, 100, 5_000, 100, 2026, &mut taken).unwrap();
        let branches = small
            .orgs
            .iter()
            .filter(|o| o.class.kind.is_branch())
            .count() as u64;
        let members: u64 = small.orgs.iter().map(|o| u64::from(o.members)).sum();
        assert_eq!(members, branches + 1);
    }

    #[test]
    fn shares_sum_exactly() {
        let parts = share(1001, &[7461, 2225]);
        assert_eq!(parts.iter().sum::<u64>(), 1001);
        assert!(parts[0] > parts[1]);
        assert_eq!(share(5, &[1, 1, 1]), vec![2, 2, 1]);
    }

    #[test]
    fn branch_sizes_stay_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for total in [1u64, 19, 20, 39, 40, 41, 69, 70, 71, 1000, 12345] {
            let sizes = regular_branch_sizes(&mut rng, total);
            assert_eq!(sizes.iter().map(|&s| s as u64).sum::<u64>(), total);
            if total >= 20 {
                assert!(
                    sizes.iter().all(|s| (20..=50).contains(s)),
                    "{total}: {sizes:?}"
                );
            }
            if total >= 40 {
                assert!(sizes.len() >= 2);
            }
            let varied = branch_sizes(&mut rng, total);
            assert_eq!(varied.iter().map(|&s| s as u64).sum::<u64>(), total);
            assert!(varied.iter().all(|s| (1..=240).contains(s)), "{varied:?}");
        }
    }

    #[test]
    fn branches_of_every_size_class_are_planned() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let sizes = branch_sizes(&mut rng, 100_000);
        let tiny = sizes.iter().filter(|&&s| s < 3).count();
        let large = sizes.iter().filter(|&&s| s > 50).count();
        let n = sizes.len();
        assert!(tiny * 100 >= n * 2 && tiny * 100 <= n * 8, "{tiny} of {n}");
        assert!(
            large * 100 >= n * 3 && large * 100 <= n * 10,
            "{large} of {n}"
        );
    }
}
