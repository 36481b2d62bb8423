//! The match store over the DynamoDB table: each match is two items with the same document,
//! one in its candidate's partition and one in its vacancy's (see `keys`), so that "the
//! matches of this candidate" and "the best candidates for this vacancy" are one query each.
//!
//! A replace reads the partition it replaces, deletes the old matches that the new set does
//! not have (both twins) and puts the new ones (both twins), by BatchWriteItem. It is not
//! atomic: a failure part way, or two replaces of overlapping matches at the same moment, can
//! leave a mix of the old and the new set until the next replace. Matches are recomputed
//! from the candidate and the vacancy, so the next replace repairs them; the SQLite backend,
//! which has transactions, replaces atomically.

use super::keys::{self, Key};
use super::{DynamoRecords, delete_request, doc_item, put_request};
use async_trait::async_trait;
use otbor_domain::ids::{CandidateId, VacancyId};
use otbor_domain::ports::{MatchRecord, MatchStore, StoreResult};
use std::collections::{BTreeMap, HashSet};

const WHAT: &str = "match";

/// Best score first; equal scores in a stable order, by `tie` (the id on the other side).
fn best_first<T: Ord>(matches: &mut [MatchRecord], tie: impl Fn(&MatchRecord) -> T) {
    matches.sort_by_key(|m| (std::cmp::Reverse(m.score), tie(m)));
}

impl DynamoRecords {
    /// Replaces the matches stored in one partition (`MATCH_C#…` or `MATCH_V#…`) with
    /// `matches`, keeping each match's twin in step.
    #[tracing::instrument(skip(self, matches), fields(count = matches.len()))]
    async fn replace_matches(&self, partition: String, matches: &[MatchRecord]) -> StoreResult<()> {
        // One write per key: a later record for the same pair wins, as in an upsert.
        let new: BTreeMap<(CandidateId, VacancyId), &MatchRecord> = matches
            .iter()
            .map(|m| ((m.candidate_id, m.vacancy_id), m))
            .collect();
        let old: Vec<MatchRecord> = self.query_partition(WHAT, &partition, None).await?;
        let mut written: HashSet<Key> = HashSet::new();
        let mut writes = Vec::new();
        for m in &old {
            if !new.contains_key(&(m.candidate_id, m.vacancy_id)) {
                for key in keys::match_twins(m.candidate_id, m.vacancy_id) {
                    if written.insert(key.clone()) {
                        writes.push(delete_request(&key)?);
                    }
                }
            }
        }
        for m in new.values() {
            for key in keys::match_twins(m.candidate_id, m.vacancy_id) {
                if written.insert(key.clone()) {
                    writes.push(put_request(doc_item(WHAT, &key, *m, None, None)?)?);
                }
            }
        }
        self.batch_write(writes).await
    }
}

#[async_trait]
impl MatchStore for DynamoRecords {
    async fn replace_candidate_matches(
        &self,
        candidate: CandidateId,
        matches: &[MatchRecord],
    ) -> StoreResult<()> {
        self.replace_matches(keys::candidate_matches(candidate), matches)
            .await
    }

    async fn replace_vacancy_matches(
        &self,
        vacancy: VacancyId,
        matches: &[MatchRecord],
    ) -> StoreResult<()> {
        self.replace_matches(keys::vacancy_matches(vacancy), matches)
            .await
    }

    async fn matches_for_candidate(&self, candidate: CandidateId) -> StoreResult<Vec<MatchRecord>> {
        let mut all: Vec<MatchRecord> = self
            .query_partition(WHAT, &keys::candidate_matches(candidate), None)
            .await?;
        best_first(&mut all, |m| m.vacancy_id);
        Ok(all)
    }

    /// Reads the vacancy's whole partition and cuts it in memory: the sort key is the
    /// candidate, not the score.
    async fn matches_for_vacancy(
        &self,
        vacancy: VacancyId,
        limit: usize,
    ) -> StoreResult<Vec<MatchRecord>> {
        let mut all: Vec<MatchRecord> = self
            .query_partition(WHAT, &keys::vacancy_matches(vacancy), None)
            .await?;
        best_first(&mut all, |m| m.candidate_id);
        all.truncate(limit);
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn m(candidate: CandidateId, vacancy: VacancyId, score: u8) -> MatchRecord {
        MatchRecord {
            candidate_id: candidate,
            vacancy_id: vacancy,
            score,
            detail: serde_json::Value::Null,
            engine: "test".into(),
            computed_at: Utc::now(),
        }
    }

    #[test]
    fn equal_scores_are_ordered_by_the_other_side_id() {
        let v = VacancyId::new();
        let (a, b) = (CandidateId::new(), CandidateId::new());
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let mut all = vec![m(hi, v, 50), m(lo, v, 50), m(lo, v, 90)];
        best_first(&mut all, |m| m.candidate_id);
        let got: Vec<_> = all.iter().map(|m| (m.candidate_id, m.score)).collect();
        assert_eq!(got, [(lo, 90), (lo, 50), (hi, 50)]);
    }

    #[test]
    fn the_twins_of_a_match_live_in_both_partitions() {
        let (c, v) = (CandidateId::new(), VacancyId::new());
        let [by_candidate, by_vacancy] = keys::match_twins(c, v);
        assert_eq!(by_candidate.pk, keys::candidate_matches(c));
        assert_eq!(by_candidate.sk, v.to_string());
        assert_eq!(by_vacancy.pk, keys::vacancy_matches(v));
        assert_eq!(by_vacancy.sk, c.to_string());
    }
}
