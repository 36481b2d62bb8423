//! Resume and vacancy intake for Otbor: bounded text extraction (PDF, DOCX, TXT), profiles
//! whose every field points back at the text it came from, the skill taxonomy, vacancy
//! parsing, transparent matching with evidence, and flags for hidden text and instructions
//! aimed at the screener. Deterministic: the same input gives the same output.

pub mod dates;
pub mod error;
pub mod extract;
pub mod helper;
pub mod injection;
pub mod isolate;
pub mod matching;
pub mod profile;
pub mod sections;
pub mod taxonomy;
pub mod vacancy;

pub use error::ExtractError;
pub use isolate::{extract_isolated, IsolateConfig};
pub use matching::{match_candidate, match_compiled, rerank, CompactCandidate, CompiledVacancy, Match, Verdict, VerdictKind};
pub use profile::{parse_profile, Profile, Sourced};
pub use vacancy::{parse_vacancy, VacancyDraft};
pub use extract::{extract, extract_with, Extracted, Flag, FlagKind, Format, Limits};
