//! One conformance suite per port. Every backend of a port runs the same checks through the
//! macros below (`records_conformance!`, `files_conformance!`, `queue_conformance!`), each
//! check a test of its own; a backend that does not pass them does not exist.

pub mod files;
pub mod queue;
pub mod records;

/// Generates one `#[tokio::test]` per records check. `$fresh` is an async expression giving
/// a new, empty `Arc<dyn Records>` for each test.
#[macro_export]
macro_rules! records_conformance {
    ($fresh:expr) => {
        $crate::records_conformance!(@each $fresh;
            users_are_found_by_id_and_email_and_unique_by_email,
            users_are_listed_in_creation_order_with_pagination,
            sessions_are_stored_found_and_deleted,
            candidates_round_trip_and_updates_are_conditional,
            candidates_are_searched_filtered_sorted_and_paginated,
            candidates_are_filtered_by_their_applications,
            vacancies_round_trip_and_updates_are_conditional,
            vacancies_are_listed_newest_first_by_state_and_title,
            an_application_per_candidate_and_vacancy_only,
            transitions_are_conditional_and_append_history,
            of_two_concurrent_transitions_exactly_one_wins,
            applications_are_filtered_by_vacancy_candidate_status_and_name,
            stage_counts_group_by_vacancy_status_and_furthest_stage,
            invites_are_found_by_token_hash_and_updated_conditionally,
            candidates_are_found_by_email_or_phone,
            uploads_round_trip_are_updated_conditionally_and_listed_newest_first,
            matches_are_replaced_per_candidate_or_vacancy_and_read_best_first,
            interviews_are_one_per_application_updated_conditionally_with_their_evaluation,
            a_notification_is_claimed_once_per_key_logged_per_candidate_and_listed_newest_first,
            entries_are_put_read_listed_by_prefix_and_taken_once,
        );
    };
    (@each $fresh:expr; $($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let store = $fresh.await;
            $crate::records::$name(store).await;
        }
    )*};
}

/// One `#[tokio::test]` per file-store check; `$fresh` gives a new, empty `Arc<dyn FileStore>`.
#[macro_export]
macro_rules! files_conformance {
    ($fresh:expr) => {
        $crate::files_conformance!(@each $fresh;
            files_round_trip_with_their_content_type,
            a_missing_file_is_not_found_and_delete_is_idempotent,
            put_replaces_an_existing_file,
            binary_and_empty_files_survive_unchanged,
            a_presigned_put_if_offered_stores_the_file,
            a_presigned_get_if_offered_serves_the_file_and_its_ranges,
            a_local_path_if_offered_holds_the_file,
        );
    };
    (@each $fresh:expr; $($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let files = $fresh.await;
            $crate::files::$name(files).await;
        }
    )*};
}

/// One `#[tokio::test]` per queue check; `$fresh` gives a new, empty `Arc<dyn JobQueue>`
/// configured to park a job after [`queue::MAX_RECEIVES`] deliveries.
#[macro_export]
macro_rules! queue_conformance {
    ($fresh:expr) => {
        $crate::queue_conformance!(@each $fresh;
            an_enqueued_job_is_delivered_once_and_gone_after_ack,
            an_unacknowledged_job_comes_back_after_its_visibility_timeout,
            a_released_job_comes_back_after_the_delay_with_the_attempt_counted,
            a_job_delivered_too_often_is_parked_not_dropped,
            jobs_in_flight_are_not_delivered_twice_at_once,
        );
    };
    (@each $fresh:expr; $($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let queue = $fresh.await;
            $crate::queue::$name(queue).await;
        }
    )*};
}
