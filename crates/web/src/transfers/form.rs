//! The fields of a transfer form, read from repeated pairs (checkboxes repeat their name).

use tuanjian_app::Fault;
use tuanjian_app::org_admin::search::{self, SearchInput};
use tuanjian_domain::ErrorCode;
use tuanjian_domain::transfer::{OwnSystemProvince, TransferInput, TransferReason};
use tuanjian_store::org_search::ProvinceChoice;

use crate::state::AppState;

/// What a transfer form holds, as typed.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub reason: String,
    pub detail: String,
    pub to_org_id: String,
    pub own_system_province: String,
    pub own_system_name: String,
    pub province_id: String,
    pub q: String,
    /// "search": only look for receiving organisations, write nothing.
    pub action: String,
    pub person_ids: Vec<String>,
    pub name: String,
    pub id_number: String,
    pub branch_id: String,
}

impl Fields {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Fields::default();
        for (k, v) in pairs {
            match k.as_str() {
                "reason" => f.reason = v.clone(),
                "detail" => f.detail = v.clone(),
                "to_org_id" => f.to_org_id = v.clone(),
                "own_system_province" => f.own_system_province = v.clone(),
                "own_system_name" => f.own_system_name = v.clone(),
                "province_id" => f.province_id = v.clone(),
                "q" => f.q = v.clone(),
                "action" => f.action = v.clone(),
                "person_id" => f.person_ids.push(v.clone()),
                "name" => f.name = v.clone(),
                "id_number" => f.id_number = v.clone(),
                "branch_id" => f.branch_id = v.clone(),
                _ => {}
            }
        }
        f
    }

    pub fn searching(&self) -> bool {
        self.action == "search"
    }

    pub fn to_org_id(&self) -> Option<i64> {
        self.to_org_id.trim().parse().ok().filter(|id| *id > 0)
    }

    pub fn branch_id(&self) -> Option<i64> {
        self.branch_id.trim().parse().ok().filter(|id| *id > 0)
    }

    pub fn input(&self) -> TransferInput<'_> {
        TransferInput {
            reason: &self.reason,
            detail: &self.detail,
            to_org_id: self.to_org_id(),
            own_system_province: Some(self.own_system_province.as_str()),
            own_system_name: Some(self.own_system_name.as_str()),
        }
    }

    /// The ids ticked, each a positive number.
    pub fn person_ids(&self) -> Result<Vec<i64>, Fault> {
        self.person_ids
            .iter()
            .map(|raw| {
                raw.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| {
                        Fault::bad_request(
                            ErrorCode::FormInvalid,
                            "所选团员有误，请刷新页面后重新勾选",
                        )
                        .field("person_id")
                    })
            })
            .collect()
    }
}

/// A choice in a drop-down.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn reason_choices(selected: &str) -> Vec<Choice> {
    TransferReason::ALL
        .iter()
        .map(|r| Choice {
            value: r.code().into(),
            label: format!("{}（填写{}）", r.label(), r.detail_label()),
            selected: r.code() == selected,
        })
        .collect()
}

pub fn own_system_choices(selected: &str) -> Vec<Choice> {
    OwnSystemProvince::ALL
        .iter()
        .map(|p| Choice {
            value: p.code().into(),
            label: p.label().into(),
            selected: p.code() == selected,
        })
        .collect()
}

/// A receiving organisation found by the search.
pub struct Candidate {
    pub id: i64,
    pub full_name: String,
    pub kind_label: String,
    pub parent_full_name: String,
    pub checked: bool,
}

/// The destination part of the form: provinces, and what the search typed found.
pub struct DestinationView {
    pub provinces: Vec<ProvinceChoice>,
    pub province_id: String,
    pub q: String,
    pub searched: bool,
    pub candidates: Vec<Candidate>,
    pub search_error: Option<String>,
}

pub async fn destination(state: &AppState, f: &Fields) -> Result<DestinationView, Fault> {
    let searched = !f.q.trim().is_empty();
    let mut view = DestinationView {
        provinces: search::provinces(state).await?,
        province_id: f.province_id.clone(),
        q: f.q.clone(),
        searched,
        candidates: vec![],
        search_error: None,
    };
    if searched {
        let input = SearchInput {
            province_id: Some(f.province_id.clone()),
            q: f.q.clone(),
            page: Some(1),
        };
        match search::run(state, &input).await {
            Ok(found) => {
                let chosen = f.to_org_id();
                view.candidates = found
                    .page
                    .items
                    .iter()
                    .map(|h| Candidate {
                        id: h.id,
                        full_name: h.full_name.clone(),
                        kind_label: h.kind_label(),
                        parent_full_name: h.parent_full_name.clone().unwrap_or_default(),
                        checked: Some(h.id) == chosen,
                    })
                    .collect();
            }
            Err(e) if e.status == 400 => view.search_error = Some(e.message),
            Err(e) => return Err(e),
        }
    }
    Ok(view)
}
