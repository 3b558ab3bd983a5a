//! 团中央's admin sets a year's standard: the round's dates, the items with their points and
//! the star bands. Refused once any branch of the year has submitted (the store says how many).

use tuanjian_domain::Action;
use tuanjian_domain::star_rating::round::RatingYear;
use tuanjian_domain::star_rating::standard::{StandardInput, StarStandard};
use tuanjian_store::star_ratings::config::{Configured, configure_tx};

use super::{standard_of, year_of};
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// A year's standard as the configuration page shows it.
pub struct ConfigView {
    pub authority: Authority,
    pub year: RatingYear,
    pub standard: StarStandard,
    /// A standard is stored for the year (else the defaults apply).
    pub stored: bool,
}

/// The signed-in admin, if it is 团中央's (the root's) own: anyone else is refused with the
/// permission's reason.
async fn central(app: &App, user: &Signed) -> Result<Authority, Fault> {
    let authority = authority::required(app, user).await?;
    let root = app.store.root_org().await?.ok_or_else(Fault::not_found)?;
    if !matches!(authority, Authority::Admin(_)) {
        return Err(Fault::not_found());
    }
    // Only the root's own admin stands to it as `Itself`; any other is refused with the rule's
    // reason.
    permit(&authority, Action::ConfigureStarRating, &root)?;
    Ok(authority)
}

/// The year's standard (this year when none is asked), for 团中央's admin.
pub async fn show(app: &App, user: &Signed, year: Option<&str>) -> Result<ConfigView, Fault> {
    let year = year_of(year)?;
    let authority = central(app, user).await?;
    let stored = app.store.star_standard(year.get()).await?;
    Ok(ConfigView {
        authority,
        year,
        stored: stored.is_some(),
        standard: stored.unwrap_or_else(|| StarStandard::default_for(year.get())),
    })
}

/// Stores the year's standard as typed; every fault at once, nothing stored on any.
pub async fn configure(
    app: &App,
    user: &Signed,
    year: &str,
    input: &StandardInput,
) -> Result<(StarStandard, Configured), Fault> {
    let year = year_of(Some(year))?;
    central(app, user).await?;
    let standard = StarStandard::parse(year.get(), input)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field(e.field))?;
    let before = standard_of(app, year).await?;
    let mut tx = app.store.begin().await?;
    let done = configure_tx(&mut tx, &user.actor(), year.get(), &before, &standard).await?;
    tx.commit().await?;
    Ok((standard, done))
}
