//! The handlers, one module per area, and the OpenAPI document they generate.

pub mod health;
pub mod ingest;
pub mod reports;
pub mod suppressions;
pub mod webhooks;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The document's frame: title, version, security scheme. Paths and schemas come from
/// the handlers' `#[utoipa::path]` attributes as they are routed.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "bouncekit API",
        description = "Turns email bounces into decisions: ingest bounces and ESP webhooks, check and manage the suppression list, explain SMTP codes.\n\nAuthentication: `Authorization: Bearer <token>`; tokens have read, write or admin scope. A server listening on loopback without configured tokens is open. Errors are `application/problem+json` (RFC 9457).",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&Security),
    components(schemas(crate::error::Problem))
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// Every route with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(ingest::post_message))
        .routes(routes!(ingest::classify))
        .routes(routes!(ingest::code))
        .routes(routes!(suppressions::list))
        .routes(routes!(suppressions::check))
        .routes(routes!(suppressions::import))
        .routes(routes!(suppressions::export))
        .routes(routes!(suppressions::get_one, suppressions::put_one, suppressions::delete_one))
        .routes(routes!(reports::events))
        .routes(routes!(reports::domains))
        .routes(routes!(reports::domain))
        .routes(routes!(reports::alerts))
        .routes(routes!(reports::forget))
        .routes(routes!(reports::stats))
        .routes(routes!(webhooks::receive))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
}
