//! Reset codes for many people at once (the member list's 重置密码 for the ticked rows): the
//! same rules as one code (`issue::issue`) for each person, all in ONE transaction with an
//! audit record each. If any one may not have a code, none is issued and the answer names who.

use tuanjian_domain::ErrorCode;
use tuanjian_store::reset_codes;

use super::issue::Issued;
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::members::selection::MAX_SELECTED;
use crate::signed::Signed;

const NOTHING_ISSUED: &str = "没有生成任何重置码";

/// Issues a code for each of `person_ids` (already read with `members::selection::selected`),
/// in that order, all or none.
pub async fn issue_many(
    app: &App,
    user: &Signed,
    person_ids: &[i64],
) -> Result<Vec<Issued>, Fault> {
    let authority = authority::required(app, user).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(
            Fault::forbidden("只有组织管理员可以生成密码重置码，请在首页切换到管理员身份")
                .with_code(ErrorCode::AdminRequired),
        );
    };
    if person_ids.is_empty() || person_ids.len() > MAX_SELECTED {
        // The callers read the ids with `selected`; this guards the bound once more.
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            format!("一次为1到{MAX_SELECTED}人生成重置码，请重新勾选"),
        ));
    }
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let mut people = Vec::with_capacity(person_ids.len());
    for &id in person_ids {
        let person = match reset_codes::reset_target(&mut tx, scope, id).await {
            Err(tuanjian_store::StoreError::NotFound) => Err(Fault::new(
                ErrorCode::NotFound,
                format!(
                    "所选人员中有的不存在或不在您的管理范围内（编号 {id}），{NOTHING_ISSUED}；\
                     请刷新列表后重新勾选"
                ),
            )),
            Err(e) => Err(e.into()),
            Ok(Err(refusal)) => {
                let mut f = Fault::from(refusal);
                f.message = format!("所选人员之一（编号 {id}）：{}；{NOTHING_ISSUED}", f.message);
                Err(f)
            }
            Ok(Ok(p)) => Ok(p),
        }?;
        people.push(person);
    }
    let mut issued = Vec::with_capacity(people.len());
    for person in people {
        let (code, record) = reset_codes::issue(&mut tx, &actor, person.person_id).await?;
        issued.push(Issued {
            person,
            code: code.display(),
            record,
        });
    }
    tx.commit().await?;
    Ok(issued)
}
