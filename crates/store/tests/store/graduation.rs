//! Graduation in the store on both databases, with months given (not today's): the daily
//! conversion converts a due student branch once, never early, never a teachers' branch; late
//! graduates are held back until their month; deleting a marked branch settles its mark.

use tuanjian_domain::graduation::{GradMonth, GraduationMark, LateGraduation};
use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::audit::Actor;
use tuanjian_store::graduation::{convert_due, mark_branch, mark_late};
use tuanjian_store::org_delete::delete_org;

use crate::support::TestStore;

both_databases!(converts_once_and_holds_late_graduates);

fn month(s: &str) -> GradMonth {
    GradMonth::from_stored(s).unwrap()
}

async fn converts_once_and_holds_late_graduates(t: TestStore) {
    let w = t.guangzhou().await;
    let teachers = t
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "教师团支部",
            "教师团支部（全称）",
        )
        .await;
    let empty = t
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "空团支部",
            "空团支部（全称）",
        )
        .await;
    let actor = Actor::default();
    let mut ids = Vec::new();
    for seq in 1..=2u32 {
        let id = IdNumber::from_first17(&format!("44010620050301{seq:03}"));
        let p = t
            .add_person(id.as_str(), &format!("毕业生{seq}"), None)
            .await;
        t.make_member(&w.branch, &p).await;
        ids.push(p.id);
    }
    let mut tx = t.store.begin().await.unwrap();
    let june = GraduationMark::Students(month("2027-06"));
    mark_branch(&mut tx, &actor, w.branch.id, Some(june))
        .await
        .unwrap();
    mark_branch(&mut tx, &actor, teachers.id, Some(GraduationMark::Teachers))
        .await
        .unwrap();
    mark_branch(&mut tx, &actor, empty.id, Some(june))
        .await
        .unwrap();
    mark_late(
        &mut tx,
        &actor,
        ids[1],
        Some(LateGraduation::Until(month("2027-09"))),
    )
    .await
    .unwrap();
    // Only branches.
    let refused = mark_branch(&mut tx, &actor, w.school.id, Some(june))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("只能为团支部标注"),
        "{refused}"
    );
    tx.commit().await.unwrap();

    // Not before the month.
    let mut tx = t.store.begin().await.unwrap();
    assert!(
        convert_due(&mut tx, &actor, month("2027-05"))
            .await
            .unwrap()
            .is_empty()
    );
    let done = convert_due(&mut tx, &actor, month("2027-06"))
        .await
        .unwrap();
    let mut converted: Vec<i64> = done.iter().map(|c| c.org_id).collect();
    converted.sort();
    assert_eq!(converted, vec![w.branch.id, empty.id]);
    assert!(
        convert_due(&mut tx, &actor, month("2027-07"))
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
    assert_eq!(
        t.store.org(w.branch.id).await.unwrap().kind,
        OrgKind::GraduatingBranch
    );
    assert_eq!(
        t.store.org(teachers.id).await.unwrap().kind,
        OrgKind::Branch
    );

    // The late graduate joins the list in their month.
    let g = t
        .store
        .graduates(w.branch.id, month("2027-06"))
        .await
        .unwrap();
    assert_eq!(
        g.ready.iter().map(|g| g.person_id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    assert_eq!(
        g.late.iter().map(|g| g.person_id).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    let g = t
        .store
        .graduates(w.branch.id, month("2027-09"))
        .await
        .unwrap();
    assert_eq!(g.ready.len(), 2);
    assert!(g.late.is_empty());

    // A member who moves on leaves the mark behind.
    sqlx::query("UPDATE members SET org_id = $1, org_path = $2 WHERE person_id = $3")
        .bind(teachers.id)
        .bind(teachers.path.as_str())
        .bind(ids[1])
        .execute(t.store.pool())
        .await
        .unwrap();
    assert!(t.store.late_graduation(ids[1]).await.unwrap().is_none());

    // A marked branch is deleted with its mark.
    let mut tx = t.store.begin().await.unwrap();
    delete_org(&mut tx, &actor, empty.id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(t.store.graduation_mark(empty.id).await.unwrap().is_none());
}
