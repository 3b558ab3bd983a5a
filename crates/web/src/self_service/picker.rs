//! The branch picker of the self-service forms (issue 13): province → school → branch, by
//! server round trips (buttons of the form itself, so nothing typed is lost and no script is
//! needed), and its API twin for clients that draw their own.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::self_service::picker::{self, Level};
use tuanjian_domain::self_service::ApplicationKind;
use utoipa::{IntoParams, ToSchema};

use super::view::ApplyForm;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, parse_id};
use crate::state::AppState;

/// One organisation offered at a level.
pub struct PickItem {
    pub id: i64,
    pub full_name: String,
    pub kind_label: &'static str,
    /// A branch to choose; otherwise an organisation to open.
    pub pickable: bool,
}

/// What the form shows of the picker.
#[derive(Default)]
pub struct PickerView {
    /// The organisation whose children are listed.
    pub at: Option<String>,
    pub up: Option<i64>,
    pub items: Vec<PickItem>,
    /// More organisations than listed (the rest are found by typing the full name).
    pub more: bool,
    /// The branch just chosen.
    pub chosen: Option<String>,
    /// Why nothing is listed.
    pub message: Option<String>,
}

impl PickerView {
    fn of(level: Level) -> Self {
        let more = level.total > picker::PICK_LIMIT;
        Self {
            message: level
                .choices
                .is_empty()
                .then(|| format!("“{}”下面没有可以选择的团支部", level.org.full_name)),
            at: Some(level.org.full_name),
            up: level.up,
            items: level
                .choices
                .into_iter()
                .map(|c| PickItem {
                    id: c.org.id,
                    full_name: c.org.full_name,
                    kind_label: c.org.kind.label(),
                    pickable: c.pickable,
                })
                .collect(),
            more,
            ..Self::default()
        }
    }

    fn said(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            ..Self::default()
        }
    }
}

/// One step of the picker asked for by the form's `pick` button: `province` (the chosen
/// province's organisations) or an organisation's id (a branch is chosen, anything else is
/// opened). The form comes back with the branch filled in when one was chosen.
pub async fn step(
    state: &AppState,
    kind: ApplicationKind,
    mut form: ApplyForm,
) -> Result<(ApplyForm, PickerView), crate::pages::error::PageError> {
    let pick = form.pick.trim().to_string();
    form.pick.clear();
    let id = if pick == "province" {
        match form.province_id.trim().parse::<i64>() {
            Ok(id) => id,
            Err(_) => {
                let v = PickerView::said("请先在上面选择省份（或系统团委），再点“逐级选择团支部”");
                return Ok((form, v));
            }
        }
    } else {
        parse_id(&pick)?
    };
    let level = match picker::level(state, kind, id).await {
        Ok(l) => l,
        Err(f) if f.is_client_error() => return Ok((form, PickerView::said(f.message))),
        Err(f) => return Err(f.into()),
    };
    if picker::may_choose(kind, level.org.kind) {
        form.org_name = level.org.full_name.clone();
        form.org_pick.clear();
        if let Some(p) = level.org.province_id {
            form.province_id = p.to_string();
        }
        let chosen = PickerView {
            chosen: Some(level.org.full_name),
            ..PickerView::default()
        };
        return Ok((form, chosen));
    }
    Ok((form, PickerView::of(level)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PickQuery {
    /// The way in: `register`, `join` (default) or `report`; decides which branches may be
    /// chosen (a graduates' organisation takes no new members).
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PickChoiceBody {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
    pub kind: String,
    pub kind_label: String,
    /// A branch the applicant may choose (its full name goes into `org_name`).
    pub pickable: bool,
    /// Organisations under it.
    pub child_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PickLevelBody {
    pub id: i64,
    pub full_name: String,
    pub province_id: Option<i64>,
    /// One level up; null at the province (choose another province instead).
    pub up: Option<i64>,
    /// Branches to choose and organisations with branches below, in name order (`orgs.sort_key`).
    pub choices: Vec<PickChoiceBody>,
    /// Organisations under this one, all kinds; at most 200 are looked at.
    pub total: i64,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/join-choices", security(()),
    params(("id" = i64, Path, description = "a province (or 系统团委) or an organisation in one"), PickQuery),
    description = "Public, as the organisation search is. What a self-service applicant can choose under an organisation: the branches they may join and the organisations to open further (province → school → branch).",
    responses((status = 200, body = PickLevelBody)))]
pub async fn api_choices(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<PickQuery>,
) -> ApiResult<PickLevelBody> {
    let kind = match q.kind.as_deref().map(str::trim) {
        None | Some("") => ApplicationKind::Join,
        Some(k) => ApplicationKind::parse(k).ok_or_else(|| {
            ApiError(crate::error::Fault::new(
                tuanjian_domain::ErrorCode::QueryInvalid,
                "kind 只能是 register、join 或 report",
            ))
        })?,
    };
    let level = picker::level(&state, kind, parse_id(&raw)?).await?;
    Ok(Json(PickLevelBody {
        id: level.org.id,
        full_name: level.org.full_name,
        province_id: level.org.province_id,
        up: level.up,
        total: level.total,
        choices: level
            .choices
            .into_iter()
            .map(|c| PickChoiceBody {
                id: c.org.id,
                short_name: c.org.short_name,
                full_name: c.org.full_name,
                kind: c.org.kind.code().to_string(),
                kind_label: c.org.kind.label().to_string(),
                pickable: c.pickable,
                child_count: c.child_count,
            })
            .collect(),
    }))
}
