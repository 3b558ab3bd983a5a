//! The member store on both databases: adding under the rules, the database rules
//! (already registered, number taken), scope of lists and filters, moves carrying members.

use chrono::NaiveDate;
use tuanjian_domain::IdNumber;
use tuanjian_domain::member_record::{CadreInput, MemberInput, ProfileInput};
use tuanjian_store::audit::Actor;
use tuanjian_store::members::{EntryError, MemberFilter, MemberQuery, MemberSort};
use tuanjian_store::orgs::PageRequest;

use crate::support::{PASSWORD_HASH, TestStore};

both_databases!(adds_lists_and_refuses, cadres_take_posts);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn member(seq: u32, name: &str, dev: &str) -> MemberInput {
    MemberInput {
        profile: ProfileInput {
            name: name.into(),
            id_number: IdNumber::from_first17(&format!("44010620080301{seq:03}")).to_string(),
            ethnicity: "汉族".into(),
            political_status: "共青团员".into(),
            ..Default::default()
        },
        join_month: "2022-05".into(),
        dev_number: dev.into(),
        ..Default::default()
    }
}

fn adult(seq: u32) -> String {
    IdNumber::from_first17(&format!("44010619800101{seq:03}")).to_string()
}

fn codes(e: EntryError) -> Vec<&'static str> {
    match e {
        EntryError::Faults(f) => f.iter().map(|f| f.code().as_str()).collect(),
        other => panic!("expected faults, got {other:?}"),
    }
}

async fn adds_lists_and_refuses(app: TestStore) {
    let w = app.guangzhou().await;
    let admin = app
        .add_person(&adult(2), "区管理员", Some(PASSWORD_HASH))
        .await;
    app.make_admin(&w.county, &admin).await;
    let scope = app
        .store
        .admin_scope(admin.id, w.county.id)
        .await
        .unwrap()
        .unwrap();
    let actor = Actor::default();

    // The county is the branch's grand-grandparent: not its direct superior.
    let err = app
        .store
        .add_member(
            &actor,
            &scope,
            w.branch.id,
            &member(1, "张一", "202244000001"),
            today(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, EntryError::Refused(_)), "{err:?}");

    let school_admin = app
        .add_person(&adult(1), "校管理员", Some(PASSWORD_HASH))
        .await;
    app.make_admin(&w.school, &school_admin).await;
    let scope = app
        .store
        .admin_scope(school_admin.id, w.school.id)
        .await
        .unwrap()
        .unwrap();
    let added = app
        .store
        .add_member(
            &actor,
            &scope,
            w.branch.id,
            &member(1, "张一", "202244000001"),
            today(),
        )
        .await
        .unwrap();
    // The account exists at once, in its initial state.
    let p = app.store.person(added.person_id).await.unwrap();
    assert!(p.in_initial_state());
    // Members go into branches only.
    let err = app
        .store
        .add_member(
            &actor,
            &scope,
            w.school.id,
            &member(2, "张二", "202244000002"),
            today(),
        )
        .await
        .unwrap_err();
    assert_eq!(codes(err), ["not_a_branch"]);
    // The same person twice; the same number for someone else.
    let err = app
        .store
        .add_member(
            &actor,
            &scope,
            w.branch.id,
            &member(1, "张一", "202244000009"),
            today(),
        )
        .await
        .unwrap_err();
    assert_eq!(codes(err), ["already_registered"]);
    let err = app
        .store
        .add_member(
            &actor,
            &scope,
            w.branch.id,
            &member(3, "张三", "202244000001"),
            today(),
        )
        .await
        .unwrap_err();
    assert_eq!(codes(err), ["dev_number_taken"]);
    // Rule faults all at once; nothing written.
    let mut bad = member(4, "", "201944000001");
    bad.profile.ethnicity = "x".into();
    let err = app
        .store
        .add_member(&actor, &scope, w.branch.id, &bad, today())
        .await
        .unwrap_err();
    assert_eq!(
        codes(err),
        [
            "required_missing",
            "invalid_choice",
            "dev_number_year_mismatch"
        ]
    );
    for i in 5..30 {
        app.store
            .add_member(
                &actor,
                &scope,
                w.branch.id,
                &member(i, &format!("李{i}"), &format!("2022440000{i:02}")),
                today(),
            )
            .await
            .unwrap();
    }

    let all = MemberFilter::default();
    let q = MemberQuery::new(&scope, &all);
    let page = app
        .store
        .members(&q, MemberSort::Org, PageRequest::new(Some(2), Some(10)))
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (26, 10));
    // Default order: by organisation, then by name.
    let names: Vec<&str> = page.items.iter().map(|m| m.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let by_name = MemberFilter {
        name: Some("李1".into()),
        ..Default::default()
    };
    let q = MemberQuery::new(&scope, &by_name);
    assert_eq!(app.store.count_members(&q).await.unwrap(), 10);
    let by_id = MemberFilter {
        id_number: Some(IdNumber::from_first17("44010620080301001").to_string()),
        ..Default::default()
    };
    let page = app
        .store
        .members(
            &MemberQuery::new(&scope, &by_id),
            MemberSort::Name,
            PageRequest::new(None, None),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].name, "张一");
    // Name and ID copies in the list follow the person (triggers), whatever writes them.
    sqlx::query("UPDATE people SET name = $1 WHERE id = $2")
        .bind("张壹")
        .bind(added.person_id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store.forget_cached();
    let renamed = MemberFilter {
        name: Some("张壹".into()),
        ..Default::default()
    };
    assert_eq!(
        app.store
            .count_members(&MemberQuery::new(&scope, &renamed))
            .await
            .unwrap(),
        1
    );
    let outsider = app.add_person(&adult(9), "王九", None).await;
    app.make_member(&w.branch, &outsider).await;
    let by_name = MemberFilter {
        name: Some("王九".into()),
        ..Default::default()
    };
    let page = app
        .store
        .members(
            &MemberQuery::new(&scope, &by_name),
            MemberSort::Org,
            PageRequest::new(None, None),
        )
        .await
        .unwrap();
    assert_eq!(
        page.items[0].id_number.as_str(),
        outsider.id_number.as_str()
    );
    let year = MemberFilter {
        join_year: Some(2021),
        ..Default::default()
    };
    assert_eq!(
        app.store
            .count_members(&MemberQuery::new(&scope, &year))
            .await
            .unwrap(),
        0
    );
    let tricky = MemberFilter {
        name: Some("%".into()),
        ..Default::default()
    };
    assert_eq!(
        app.store
            .count_members(&MemberQuery::new(&scope, &tricky))
            .await
            .unwrap(),
        0
    );

    // The sibling county's admin sees none of them, and cannot narrow into the school.
    let other = app
        .add_person(&adult(3), "越秀管理员", Some(PASSWORD_HASH))
        .await;
    app.make_admin(&w.sibling, &other).await;
    let other_scope = app
        .store
        .admin_scope(other.id, w.sibling.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.store
            .count_members(&MemberQuery::new(&other_scope, &all))
            .await
            .unwrap(),
        0
    );
    assert!(MemberQuery::within(&other_scope, &w.school, &all).is_none());
    // Its admin cannot add into a branch outside its scope, and learns nothing about it.
    let err = app
        .store
        .add_member(
            &actor,
            &other_scope,
            w.branch.id,
            &member(40, "王", ""),
            today(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, EntryError::Store(tuanjian_store::StoreError::NotFound)),
        "{err:?}"
    );
    // Another province's admin is told only the province of an existing ID.
    let err = app
        .store
        .add_member(
            &actor,
            &other_scope,
            w.sibling.id,
            &member(1, "张一", ""),
            today(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, EntryError::Faults(_)));
}

async fn cadres_take_posts(app: TestStore) {
    let w = app.guangzhou().await;
    let admin = app
        .add_person(&adult(1), "校管理员", Some(PASSWORD_HASH))
        .await;
    app.make_admin(&w.school, &admin).await;
    let scope = app
        .store
        .admin_scope(admin.id, w.school.id)
        .await
        .unwrap()
        .unwrap();
    let actor = Actor::default();
    let m = member(1, "张一", "202244000001");
    app.store
        .add_member(&actor, &scope, w.branch.id, &m, today())
        .await
        .unwrap();
    let cadre = CadreInput {
        profile: m.profile.clone(),
        post: "书记".into(),
        cadre_nature: "兼职".into(),
        ..Default::default()
    };
    // A member becomes the branch's secretary: the same account, a post added.
    app.store
        .add_cadre(&actor, &scope, w.branch.id, &cadre, today())
        .await
        .unwrap();
    let err = app
        .store
        .add_cadre(&actor, &scope, w.branch.id, &cadre, today())
        .await
        .unwrap_err();
    assert_eq!(codes(err), ["already_registered"]);
    // A committee has committee posts.
    let err = app
        .store
        .add_cadre(
            &actor,
            &scope,
            w.school.id,
            &CadreInput {
                post: "组织委员".into(),
                ..cadre.clone()
            },
            today(),
        )
        .await
        .unwrap_err();
    assert_eq!(codes(err), ["invalid_choice"]);
    // The name must match the account.
    let mut renamed = cadre.clone();
    renamed.profile.name = "张壹".into();
    renamed.post = "副书记".into();
    let err = app
        .store
        .add_cadre(&actor, &scope, w.school.id, &renamed, today())
        .await
        .unwrap_err();
    assert_eq!(codes(err), ["already_registered"]);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cadre_posts WHERE org_id = $1")
        .bind(w.branch.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
}
