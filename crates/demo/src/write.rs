//! Writes the planned tree, its people and their roles inside the caller's transaction.

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tuanjian_domain::name_order::{person_sort_key, sort_key};
use tuanjian_domain::text::comparison_key;
use tuanjian_domain::{IdNumber, MembershipStatus, OrgClass, OrgKind, OrgLevel};
use tuanjian_store::demo_data::{self, Inserter, Loader, OrgContact, Table, Val};
use tuanjian_store::{Tx, people};

use crate::accounts::{self, Pick};
use crate::context;
use crate::divisions;
use crate::org_info::InfoMaker;
use crate::people::{NewPerson, PeopleFactory};
use crate::regions;
use crate::regions::Region;
use crate::tree::{self, Plan};

/// Rows per INSERT: a few thousand bound values each, far below both databases' limits.
const ORG_ROWS: usize = 150;
const ROWS: usize = 500;

/// Leading bodies' cadres are older than those of schools and firms.
const LEADING_CADRE_AGES: (u32, u32) = (28, 40);
const GRASSROOTS_CADRE_AGES: (u32, u32) = (24, 38);

pub struct Written {
    pub orgs: u64,
    pub members: u64,
    pub cadres: u64,
    pub picks: Vec<Pick>,
}

/// Roles gathered while people stream out, written once every person row exists.
#[derive(Default)]
struct Roles {
    /// (person, org, post)
    posts: Vec<(i64, i64, &'static str)>,
    /// (org, person)
    admins: Vec<(i64, i64)>,
    /// (org, person): the 书记 shown in the organisation's info.
    secretaries: Vec<(i64, i64)>,
}

struct Writer<'a, 'l> {
    tx: &'a mut Tx,
    loader: &'l Loader,
    rng: ChaCha8Rng,
    factory: PeopleFactory,
    people: Inserter,
    next_person_id: i64,
    now: i64,
    roles: Roles,
    picks: Vec<Pick>,
}

pub async fn write(
    tx: &mut Tx,
    loader: Loader,
    members: u64,
    orgs: Option<u64>,
    seed: u64,
    password_hash: &str,
    today: NaiveDate,
) -> anyhow::Result<Written> {
    let (root_id, existing) = context::load(tx).await?;
    let now = tuanjian_store::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let regions = regions::build(existing.provincial)?;
    let mut full_names = existing.full_names;
    // Classes are named by enrolment year: the school year starts in September.
    let first_grade_year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let plan = match orgs {
        None => tree::plan(
            &mut rng,
            &regions,
            members,
            existing.next_org_id,
            first_grade_year,
            &mut full_names,
        )?,
        Some(orgs) => tree::plan_for_orgs(
            &mut rng,
            &regions,
            members,
            orgs,
            existing.next_org_id,
            first_grade_year,
            &mut full_names,
        )?,
    };
    tracing::info!(orgs = plan.orgs.len(), "demo tree planned");
    let mut info_maker = InfoMaker::default();
    let started = std::time::Instant::now();
    insert_orgs(tx, &loader, &plan, &regions, &mut rng, &mut info_maker, now).await?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "demo organisations written"
    );

    let factory_seed = rng.random();
    let people = loader.inserter(tx, Table::People, ROWS);
    let mut w = Writer {
        tx,
        loader: &loader,
        rng,
        factory: PeopleFactory::new(
            today,
            factory_seed,
            existing.id_numbers,
            existing.dev_numbers,
        ),
        people,
        next_person_id: existing.next_person_id,
        now,
        roles: Roles::default(),
        picks: Vec::new(),
    };
    let started = std::time::Instant::now();
    w.central(root_id).await?;
    w.committees(&regions, &plan).await?;
    let written_members = w.members(&regions, &plan).await?;
    tracing::info!(
        members = written_members,
        seconds = started.elapsed().as_secs_f64(),
        "demo people and members written"
    );
    w.roles(existing.next_post_id).await?;
    w.top_info(root_id, &regions, &mut info_maker).await?;
    let Writer {
        tx,
        roles,
        picks,
        loader: _,
        people,
        factory,
        ..
    } = w;
    // Their buffers were flushed; the loader's stage must not wait for them.
    drop((people, factory));
    // On PostgreSQL the rows so far were staged: they reach the tables, with their counters,
    // here, before the statements below that refer to them.
    let started = std::time::Instant::now();
    loader.finish(tx).await?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "demo rows in place"
    );
    for pick in picks.iter().filter(|p| !p.initial) {
        demo_data::set_password_hash(tx, pick.person_id, password_hash).await?;
    }

    let mut cadre_ids: Vec<i64> = roles.posts.iter().map(|p| p.0).collect();
    cadre_ids.sort_unstable();
    cadre_ids.dedup();
    Ok(Written {
        orgs: plan.orgs.len() as u64,
        members: written_members,
        cadres: cadre_ids.len() as u64,
        picks,
    })
}

/// The planned bodies with their 完善组织信息 (the 书记 is set once the people exist).
async fn insert_orgs(
    tx: &mut Tx,
    loader: &Loader,
    plan: &Plan,
    regions: &[Region],
    rng: &mut ChaCha8Rng,
    info_maker: &mut InfoMaker,
    now: i64,
) -> anyhow::Result<()> {
    let Some(first_id) = plan.orgs.first().map(|o| o.id) else {
        return Ok(());
    };
    // Planned bodies come in id order with parents first: a child finds its parent's stored
    // industry by index; the provincial committees above them store none.
    let mut stored_industry: Vec<Option<&'static str>> = Vec::with_capacity(plan.orgs.len());
    let mut orgs = loader.inserter(tx, Table::Orgs, ORG_ROWS);
    for o in &plan.orgs {
        let parent_industry = usize::try_from(o.parent_id - first_id)
            .ok()
            .and_then(|i| stored_industry.get(i).copied().flatten());
        let info = info_maker.make(
            rng,
            o.id,
            o.class,
            o.industry,
            parent_industry,
            regions[o.region].code.unwrap_or("10"),
        );
        stored_industry.push(info.industry);
        orgs.row(
            tx,
            [
                Val::Int(o.id),
                Val::Int(o.parent_id),
                o.path.as_str().into(),
                Val::Int(o.depth),
                o.class.level.code().into(),
                o.class.kind.code().into(),
                o.short_name.as_str().into(),
                o.full_name.as_str().into(),
                Val::Int(o.province_id),
                Val::Int(i64::from(o.xinjiang)),
                Val::Int(now),
                Val::OptText(info.phone),
                Val::OptText(info.email),
                Val::OptText(info.industry.map(str::to_string)),
                Val::OptInt(info.admin_staff_quota),
                Val::OptInt(info.admin_staff_actual),
                Val::OptInt(info.career_staff_quota),
                Val::OptInt(info.career_staff_actual),
                Val::OptText(info.school_code),
                Val::Int(i64::from(info.complete)),
                // Compared for uniqueness by the store (migration 0008).
                comparison_key(&o.full_name).into(),
                // Listed in this order (migration 0013).
                sort_key(&o.full_name).into(),
            ],
        )
        .await?;
    }
    orgs.flush(tx).await?;
    Ok(())
}

impl Writer<'_, '_> {
    /// Queues a person row and returns the id it will have.
    async fn person(&mut self, p: &NewPerson) -> anyhow::Result<i64> {
        let id = self.next_person_id;
        self.next_person_id += 1;
        let full = self.people.push([
            Val::Int(id),
            p.id_number.as_str().into(),
            p.name.clone().into(),
            Val::OptText(Some(p.phone.clone())),
            Val::OptText(None),
            Val::Int(self.now),
            person_sort_key(&p.name).into(),
        ]);
        if full {
            self.people.flush(self.tx).await?;
        }
        Ok(id)
    }

    /// A new 书记 and a new admin (副书记) for a committee; returns the admin.
    async fn committee_cadres(
        &mut self,
        org_id: i64,
        ages: (u32, u32),
        codes: &[&str],
    ) -> anyhow::Result<(i64, IdNumber)> {
        let (secretary, _) = self.factory.person(&mut self.rng, ages, codes);
        let secretary_id = self.person(&secretary).await?;
        let (admin, _) = self.factory.person(&mut self.rng, ages, codes);
        let admin_id = self.person(&admin).await?;
        self.roles.posts.push((secretary_id, org_id, "书记"));
        self.roles.secretaries.push((org_id, secretary_id));
        self.roles.posts.push((admin_id, org_id, "副书记"));
        self.roles.admins.push((org_id, admin_id));
        Ok((admin_id, admin.id_number))
    }

    /// 团中央: the demo's central admin (made by init, or added now) and a 书记.
    async fn central(&mut self, root_id: i64) -> anyhow::Result<()> {
        let central = accounts::central_admin_id_number();
        let found = people::person_by_id_number_tx(self.tx, &central).await?;
        let central_id = match found.map(|p| p.id) {
            Some(id) => {
                if !demo_data::is_org_admin(self.tx, root_id, id).await? {
                    self.roles.admins.push((root_id, id));
                }
                id
            }
            None => {
                let id = self
                    .person(&NewPerson {
                        id_number: central.clone(),
                        name: accounts::CENTRAL_ADMIN_NAME.to_string(),
                        phone: "13800000000".to_string(),
                    })
                    .await?;
                self.roles.admins.push((root_id, id));
                id
            }
        };
        self.roles.posts.push((central_id, root_id, "工作人员"));
        self.picks
            .push(Pick::new("团中央管理员".to_string(), central_id, central));
        let (secretary, _) = self.factory.person(
            &mut self.rng,
            LEADING_CADRE_AGES,
            divisions::national_id_codes(),
        );
        let secretary_id = self.person(&secretary).await?;
        self.roles.posts.push((secretary_id, root_id, "书记"));
        self.roles.secretaries.push((root_id, secretary_id));
        Ok(())
    }

    /// Cadres of every provincial-level committee and every planned 团委, 团工委 and 团总支.
    async fn committees(&mut self, regions: &[Region], plan: &Plan) -> anyhow::Result<()> {
        for region in regions {
            let (admin, id_number) = self
                .committee_cadres(region.org.id, LEADING_CADRE_AGES, region.id_codes)
                .await?;
            if plan.picks.province == Some(region.org.id) {
                self.picks.push(Pick::new(
                    accounts::province_admin(&region.org.short_name),
                    admin,
                    id_number,
                ));
            }
        }
        for o in plan.orgs.iter().filter(|o| !o.class.kind.is_branch()) {
            let ages = if o.class.level.is_leading_body() {
                LEADING_CADRE_AGES
            } else {
                GRASSROOTS_CADRE_AGES
            };
            let (admin, id_number) = self
                .committee_cadres(o.id, ages, regions[o.region].id_codes)
                .await?;
            let label = match Some(o.id) {
                id if id == plan.picks.city => Some(accounts::city_admin(&o.short_name)),
                id if id == plan.picks.county => Some(accounts::county_admin(&o.short_name)),
                id if id == plan.picks.school => Some(accounts::school_admin(&o.short_name)),
                _ => None,
            };
            if let Some(label) = label {
                self.picks.push(Pick::new(label, admin, id_number));
            }
        }
        Ok(())
    }

    /// Members, streamed branch by branch; each branch's first member is its 书记. The demo
    /// school's first two branches also give the branch-secretary, initial-state and
    /// several-roles accounts.
    async fn members(&mut self, regions: &[Region], plan: &Plan) -> anyhow::Result<u64> {
        let demo_branch = plan.picks.branches.first().copied();
        let second_branch = plan.picks.branches.get(1).copied();
        let school = plan
            .picks
            .school
            .and_then(|id| plan.orgs.iter().find(|o| o.id == id));
        let mut rows = self.loader.inserter(self.tx, Table::Members, ROWS);
        let mut written = 0u64;
        for o in plan.orgs.iter().filter(|o| o.members > 0) {
            let region = &regions[o.region];
            for k in 0..o.members {
                let (person, membership) = self.factory.member(
                    &mut self.rng,
                    o.ages,
                    o.local,
                    region.id_codes,
                    region.code,
                    o.xinjiang,
                )?;
                let person_id = self.person(&person).await?;
                let full = rows.push([
                    Val::Int(person_id),
                    Val::Int(o.id),
                    o.path.clone().into(),
                    membership.join_month.into(),
                    membership.dev_number.into(),
                    MembershipStatus::Normal.code().into(),
                    Val::Int(self.now),
                    person.name.clone().into(),
                    person.id_number.as_str().into(),
                    person_sort_key(&person.name).into(),
                ]);
                if full {
                    // Members refer to people: write the people queued so far first.
                    self.people.flush(self.tx).await?;
                    rows.flush(self.tx).await?;
                }
                written += 1;
                if k == 0 {
                    self.roles.posts.push((person_id, o.id, "书记"));
                    self.roles.secretaries.push((o.id, person_id));
                }
                if Some(o.id) == demo_branch && k == 0 {
                    self.roles.admins.push((o.id, person_id));
                    self.picks.push(Pick::new(
                        accounts::branch_secretary(&o.full_name),
                        person_id,
                        person.id_number,
                    ));
                } else if Some(o.id) == demo_branch && k == 1 {
                    let mut pick = Pick::new(
                        accounts::INITIAL_MEMBER_LABEL.to_string(),
                        person_id,
                        person.id_number,
                    );
                    pick.initial = true;
                    self.picks.push(pick);
                } else if Some(o.id) == second_branch && k == 0 {
                    let school = school.context("演示学校缺失")?;
                    self.roles.admins.push((school.id, person_id));
                    self.roles.posts.push((person_id, school.id, "委员"));
                    self.picks.push(Pick::new(
                        accounts::several_roles(&o.short_name, &school.short_name),
                        person_id,
                        person.id_number,
                    ));
                }
            }
        }
        self.people.flush(self.tx).await?;
        rows.flush(self.tx).await?;
        Ok(written)
    }

    /// Cadre posts, admins and each body's 书记, now that every person row exists.
    async fn roles(&mut self, first_post_id: i64) -> anyhow::Result<()> {
        let mut posts = self.loader.inserter(self.tx, Table::CadrePosts, ROWS);
        for (post_id, &(person, org, post)) in (first_post_id..).zip(&self.roles.posts) {
            let row = [
                Val::Int(post_id),
                Val::Int(person),
                Val::Int(org),
                post.into(),
                Val::Int(self.now),
            ];
            posts.row(self.tx, row).await?;
        }
        posts.flush(self.tx).await?;
        let mut admins = self.loader.inserter(self.tx, Table::OrgAdmins, ROWS);
        for &(org, person) in &self.roles.admins {
            let row = [Val::Int(org), Val::Int(person), Val::Int(self.now)];
            admins.row(self.tx, row).await?;
        }
        admins.flush(self.tx).await?;
        self.loader
            .set_secretaries(self.tx, &self.roles.secretaries)
            .await?;
        Ok(())
    }

    /// 团中央 and the provincial-level committees existed already: fill in their info too.
    async fn top_info(
        &mut self,
        root_id: i64,
        regions: &[Region],
        info_maker: &mut InfoMaker,
    ) -> anyhow::Result<()> {
        let central = OrgClass {
            level: OrgLevel::Central,
            kind: OrgKind::Committee,
        };
        let top = std::iter::once((root_id, central)).chain(regions.iter().map(|r| {
            let class = OrgClass {
                level: OrgLevel::Provincial,
                kind: r.org.kind,
            };
            (r.org.id, class)
        }));
        for (id, class) in top {
            let info = info_maker.make(&mut self.rng, id, class, None, None, "10");
            let contact = OrgContact {
                phone: info.phone,
                email: info.email,
                admin_staff_quota: info.admin_staff_quota,
                admin_staff_actual: info.admin_staff_actual,
                career_staff_quota: info.career_staff_quota,
                career_staff_actual: info.career_staff_actual,
                complete: info.complete,
            };
            demo_data::set_org_contact(self.tx, id, contact).await?;
        }
        Ok(())
    }
}
