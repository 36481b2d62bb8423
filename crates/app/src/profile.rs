//! The profile intake stores with a candidate (`Candidate.profile`), read back in one place.
//! The record keeps it as a JSON document (the domain does not know the screening engine's
//! types); [`StoredProfile::document`] writes it and [`stored_profile`] reads it.

use otbor_domain::candidate::Candidate;
use otbor_screening::Profile;
use serde::Deserialize;

/// What intake stores in `Candidate.profile`: the parsed profile with provenance (it carries
/// the text its spans point into and the flags raised on the way) and what produced it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StoredProfile {
    pub engine: String,
    /// The file the profile was read from.
    pub source_key: String,
    pub profile: Profile,
    /// What a configured language model added (only values found verbatim in the text).
    #[serde(default)]
    pub refinement: Option<crate::refine::Refinement>,
}

impl StoredProfile {
    /// The document kept in `Candidate.profile`.
    pub fn document(&self) -> serde_json::Value {
        // Plain data with string keys only: serialising it cannot fail.
        serde_json::to_value(self).expect("a stored profile serialises to JSON")
    }
}

/// The stored profile of a candidate, if intake has read a resume of theirs. A document that
/// is not a profile is logged and counts as none.
pub fn stored_profile(c: &Candidate) -> Option<StoredProfile> {
    let doc = c.profile.as_ref()?;
    StoredProfile::deserialize(doc)
        .map_err(|e| tracing::warn!(candidate_id = %c.id, error = %e, "the stored profile cannot be read; shown as none"))
        .ok()
}
