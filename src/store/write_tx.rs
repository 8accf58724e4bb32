//! The transaction that records evidence, as the code that writes it sees
//! it: where its statements go, and the reads it makes before writing.
//!
//! Every sea-orm connection or transaction is one ([`ConnectionTrait`]
//! below). On SQLite, a quiz start's or submission's transaction instead
//! runs on the writer thread's [`super::direct_write::DirectWriter`]
//! (`store::write_turn`), which answers the same reads and runs the same
//! statements (built by the same code) without waiting between them.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use time::OffsetDateTime;
use uuid::Uuid;

use super::attempts::{self, AttemptRow, Tally};
use super::review_cards::CardRow;
use super::standings::Standing;
use super::{StoreError, current_evidence, progress, review_cards, standings};
use crate::competency::Evidence;

/// A transaction that adds evidence and what follows from it.
pub trait WriteTx: Sync {
    /// The SQL dialect statements must be built for.
    fn backend(&self) -> DbBackend;

    /// Runs a statement built for [`Self::backend`]; returns how many rows
    /// it changed.
    fn execute(&self, statement: Statement)
    -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Keeps other transactions from adding evidence for this learner until
    /// this one ends ([`standings::lock_learner`]).
    fn lock_learner(&self, user_id: Uuid) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The learner's current evidence rows in these competencies
    /// ([`current_evidence::of_learner`]).
    fn current_evidence(
        &self,
        user_id: Uuid,
        competencies: &BTreeSet<String>,
    ) -> impl Future<Output = Result<Vec<Evidence>, StoreError>> + Send;

    /// The learner's open attempt at a module's quiz ([`attempts::open_for_module`]).
    fn open_attempt(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> impl Future<Output = Result<Option<AttemptRow>, StoreError>> + Send;

    /// The learner's earlier attempts at a module's quiz ([`attempts::tally`]).
    fn attempt_tally(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> impl Future<Output = Result<Tally, StoreError>> + Send;

    /// The number of the learner's latest attempt at a module's quiz
    /// ([`attempts::last_number`]).
    fn last_attempt_number(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> impl Future<Output = Result<i32, StoreError>> + Send;

    /// Every review card of the learner ([`review_cards::all_of`]).
    fn review_cards(
        &self,
        user_id: Uuid,
    ) -> impl Future<Output = Result<Vec<CardRow>, StoreError>> + Send;

    /// The questions of a module the learner has a review card for
    /// ([`review_cards::carded_questions`]).
    fn carded_questions(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> impl Future<Output = Result<HashSet<String>, StoreError>> + Send;

    /// The learner's standings, by competency ([`standings::of_user`]).
    fn standings(
        &self,
        user_id: Uuid,
    ) -> impl Future<Output = Result<Vec<Standing>, StoreError>> + Send;

    /// Lessons the learner has read ([`progress::completions`]).
    fn completions(
        &self,
        user_id: Uuid,
    ) -> impl Future<Output = Result<BTreeMap<String, OffsetDateTime>, StoreError>> + Send;
}

impl<C: ConnectionTrait> WriteTx for C {
    fn backend(&self) -> DbBackend {
        self.get_database_backend()
    }

    async fn execute(&self, statement: Statement) -> Result<u64, StoreError> {
        Ok(self.execute_raw(statement).await?.rows_affected())
    }

    async fn lock_learner(&self, user_id: Uuid) -> Result<(), StoreError> {
        standings::lock_learner(self, user_id).await
    }

    async fn current_evidence(
        &self,
        user_id: Uuid,
        competencies: &BTreeSet<String>,
    ) -> Result<Vec<Evidence>, StoreError> {
        current_evidence::of_learner(self, user_id, Some(competencies)).await
    }

    async fn open_attempt(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> Result<Option<AttemptRow>, StoreError> {
        attempts::open_for_module(self, user_id, module_id).await
    }

    async fn attempt_tally(&self, user_id: Uuid, module_id: &str) -> Result<Tally, StoreError> {
        attempts::tally(self, user_id, module_id).await
    }

    async fn last_attempt_number(&self, user_id: Uuid, module_id: &str) -> Result<i32, StoreError> {
        attempts::last_number(self, user_id, module_id).await
    }

    async fn review_cards(&self, user_id: Uuid) -> Result<Vec<CardRow>, StoreError> {
        review_cards::all_of(self, user_id).await
    }

    async fn carded_questions(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> Result<HashSet<String>, StoreError> {
        review_cards::carded_questions(self, user_id, module_id).await
    }

    async fn standings(&self, user_id: Uuid) -> Result<Vec<Standing>, StoreError> {
        standings::of_user(self, user_id).await
    }

    async fn completions(
        &self,
        user_id: Uuid,
    ) -> Result<BTreeMap<String, OffsetDateTime>, StoreError> {
        progress::completions(self, user_id).await
    }
}
