//! The JSON API under /api/v1: every action a page offers. Clients sign in with
//! POST /api/v1/login and send `Authorization: Bearer <token>`; no cookies, so no CSRF.

pub mod account;
pub mod orgs;
pub mod query;

use axum::Router;
use axum::routing::{get, post, put};
use tuanjian_app::ErrorCode;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tuanjian API",
        description = "智慧团建开放实现的 JSON 接口。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}。"
    ),
    paths(
        account::login,
        account::logout,
        account::change_password,
        account::me,
        account::switch_role,
        orgs::show,
        orgs::children,
        crate::org_admin::api::list_admins,
        crate::org_admin::api::add_admin,
        crate::org_admin::api::revoke_admin,
        crate::org_admin::api::move_org,
        crate::org_admin::api::moves_of_org,
        crate::org_admin::api::show_move,
        crate::org_admin::api::approve_move,
        crate::org_admin::api::return_move,
        crate::org_admin::api::withdraw_move,
        crate::org_admin::api::delete_org,
        crate::org_admin::api::search,
        crate::org_admin::api::provinces,
        crate::org_admin::api::inbox,
        crate::org_edit::api::get_info,
        crate::org_edit::api::put_info,
        crate::org_edit::api::approve,
        crate::org_edit::api::return_change,
        crate::org_edit::api::withdraw,
        crate::org_edit::api::get_history,
        crate::org_setup::create::api_create,
        crate::org_setup::import::api_import,
        crate::org_setup::codes::api_show,
        crate::org_setup::codes::api_regenerate,
        crate::org_setup::codes::api_revoke,
        crate::org_setup::register::api_anonymous,
        crate::org_setup::register::api_signed_in,
        crate::org_setup::school_code::api_put,
        crate::org_setup::completion::api_show,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::FaultSchema))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/login", post(account::login))
        .route("/api/v1/logout", post(account::logout))
        .route("/api/v1/password", post(account::change_password))
        .route("/api/v1/me", get(account::me))
        .route("/api/v1/role", put(account::switch_role))
        .route("/api/v1/orgs/{id}", get(orgs::show))
        .route("/api/v1/orgs/{id}/children", get(orgs::children))
        .route("/api/v1/openapi.json", get(openapi))
}

/// The whole API: this list, merged with each feature module's own (so modules add their
/// paths without touching one shared list).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::members::MembersApi::openapi());
    doc.merge(crate::leaving::LeavingApi::openapi());
    doc.merge(crate::reviews::ReviewsApi::openapi());
    doc.merge(crate::dues::DuesApi::openapi());
    doc.merge(crate::star_ratings::StarRatingsApi::openapi());
    doc.merge(crate::recommendations::RecommendationsApi::openapi());
    doc.merge(crate::archives::ArchivesApi::openapi());
    doc.merge(crate::dev_ranges::DevRangesApi::openapi());
    doc.merge(crate::graduation::GraduationApi::openapi());
    doc.merge(crate::self_service::SelfServiceApi::openapi());
    doc.merge(crate::reset::ResetApi::openapi());
    doc.merge(crate::member_import::MemberImportApi::openapi());
    doc.merge(crate::transfers::TransfersApi::openapi());
    doc.merge(crate::me::MeApi::openapi());
    doc.merge(crate::statistics::StatisticsApi::openapi());
    doc.merge(crate::age_cases::AgeCasesApi::openapi());
    declare_shared(&mut doc);
    declare_error_codes(&mut doc);
    doc
}

/// Lists every code of the one table (`ErrorCode`) in the `Fault` schema, with its status and
/// general message, so clients can match on them.
fn declare_error_codes(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::{RefOr, Type};
    let Some(RefOr::T(Schema::Object(fault))) = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("Fault"))
    else {
        return;
    };
    let Some(RefOr::T(Schema::Object(code))) = fault.properties.get_mut("code") else {
        return;
    };
    code.schema_type = Type::String.into();
    code.enum_values = Some(
        ErrorCode::ALL
            .iter()
            .map(|c| serde_json::Value::from(c.as_str()))
            .collect(),
    );
    let table: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| format!("- `{c}` ({}): {}", c.status(), c.message()))
        .collect();
    code.description = Some(format!(
        "Stable snake_case code for programs, with the status it is answered with and its general message:\n{}",
        table.join("\n")
    ));
}

const BEARER: &str = "bearer";

/// Signed-in operations that also serve an account still on its initial password (they use
/// `ApiUserAnyState`); every other signed-in operation refuses it with 403.
pub const SIGNED_IN_ANY_STATE: [&str; 3] = ["/api/v1/logout", "/api/v1/password", "/api/v1/me"];

/// Declares what every operation shares, so that each annotation lists only the faults of its
/// own rules (409, 422, 429 …) and none can forget these: the bearer sign-in (public operations
/// say `security(())`), and the faults that follow from the operation's shape:
/// - signed in: 401 without a valid token; 403 for an account on its initial password (or
///   without the role the operation needs);
/// - a path parameter: 404 (malformed, unknown or outside the caller's scope);
/// - query parameters: 400 (`ApiQuery`'s `query_invalid`);
/// - a request body: 400 (malformed), 413 (over the body limit), 415 (not the content type);
/// - any: 503 when the database has no free connection (`busy`).
fn declare_shared(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};

    doc.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            BEARER,
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    doc.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let public = op
                .security
                .as_ref()
                .is_some_and(|s| s.contains(&SecurityRequirement::default()));
            let has = |place: ParameterIn| {
                op.parameters.iter().flatten().any(|p| match p {
                    RefOr::T(p) => p.parameter_in == place,
                    RefOr::Ref(_) => false,
                })
            };
            let mut faults = vec![("503", "The database is busy (`busy`); retry later.")];
            if !public {
                faults.push(("401", "Not signed in, or the token has expired."));
                if !SIGNED_IN_ANY_STATE.contains(&path.as_str()) {
                    faults.push(("403", "Not allowed to the signed-in account."));
                }
            }
            if has(ParameterIn::Path) {
                faults.push(("404", "Not found, or outside the caller's scope."));
            }
            if has(ParameterIn::Query) || op.request_body.is_some() {
                faults.push(("400", "The query or the request body is malformed."));
            }
            if op.request_body.is_some() {
                faults.push(("413", "The request body is too large (`too_large`)."));
                faults.push(("415", "The request body has the wrong content type."));
            }
            for (status, why) in faults {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| {
                        ResponseBuilder::new()
                            .description(why)
                            .content(
                                "application/json",
                                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                            )
                            .into()
                    });
            }
        }
    }
}

async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(document())
}
