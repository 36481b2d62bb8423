//! The records checks: users, sessions, candidates, vacancies, applications, invites.

use chrono::{Duration, TimeZone, Utc};
use otbor_domain::application::{Actor, Application, Status};
use otbor_domain::candidate::{Candidate, CandidateFields};
use otbor_domain::ids::{UserId, VacancyId};
use otbor_domain::invite::{Invite, InviteKind};
use otbor_domain::ports::{Records, StoreError};
use otbor_domain::query::{ApplicationQuery, CandidateQuery, CandidateSort, PageRequest, VacancyQuery};
use otbor_domain::secret::TokenHash;
use otbor_domain::user::{Role, Session, User};
use otbor_domain::vacancy::{Requirement, RequirementKind, StageCount, Vacancy, VacancyFields, VacancyState};
use otbor_domain::values::{Email, search_key};
use std::sync::Arc;

fn at(minute: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

fn user(email: &str, minute: i64) -> User {
    User::new(email, "Тест Пользователь", Role::Recruiter, "$argon2id$fake".into(), at(minute)).unwrap()
}

fn candidate(name: &str, source: Option<&str>, minute: i64) -> Candidate {
    let f = CandidateFields {
        full_name: Some(name.into()),
        email: Some(format!("cand{minute}@example.ru")),
        phone: Some("+79161234567".into()),
        location: Some("Москва".into()),
        source: source.map(Into::into),
    };
    Candidate::new(&f, at(minute)).unwrap()
}

fn vacancy(title: &str, minute: i64) -> Vacancy {
    let f = VacancyFields {
        title: Some(title.into()),
        description: Some("Описание".into()),
        requirements: Some(vec![Requirement {
            text: "Rust".into(),
            kind: RequirementKind::Must,
            weight: 5,
            min_years: Some(2),
        }]),
        ..Default::default()
    };
    Vacancy::new(&f, UserId::new(), at(minute)).unwrap()
}

fn staff() -> Actor {
    Actor::User { id: UserId::new(), role: Role::Recruiter, name: "Рекрутер".into() }
}

fn page(p: u32, n: u32) -> PageRequest {
    PageRequest::new(Some(p), Some(n)).unwrap()
}

pub async fn users_are_found_by_id_and_email_and_unique_by_email(s: Arc<dyn Records>) {
    let u = user("anna@example.ru", 0);
    s.insert_user(&u).await.unwrap();
    assert_eq!(s.get_user(u.id).await.unwrap(), Some(u.clone()));
    let e = Email::parse("email", "ANNA@example.ru").unwrap();
    assert_eq!(s.user_by_email(&e).await.unwrap(), Some(u.clone()));
    assert_eq!(s.get_user(UserId::new()).await.unwrap(), None);
    let twin = user("anna@example.ru", 1);
    assert!(matches!(s.insert_user(&twin).await, Err(StoreError::Duplicate(_))));
    assert_eq!(s.get_user(twin.id).await.unwrap(), None);
}

pub async fn users_are_listed_in_creation_order_with_pagination(s: Arc<dyn Records>) {
    for i in 0..5 {
        s.insert_user(&user(&format!("u{i}@example.ru"), i)).await.unwrap();
    }
    let p = s.list_users(page(2, 2)).await.unwrap();
    assert_eq!(p.total, 5);
    let emails: Vec<_> = p.items.iter().map(|u| u.email.as_str().to_string()).collect();
    assert_eq!(emails, ["u2@example.ru", "u3@example.ru"]);
}

pub async fn sessions_are_stored_found_and_deleted(s: Arc<dyn Records>) {
    let session = Session {
        token_hash: TokenHash::of("token-1"),
        user_id: UserId::new(),
        csrf_token: "csrf".into(),
        created_at: at(0),
        expires_at: at(60),
    };
    s.insert_session(&session).await.unwrap();
    assert_eq!(s.get_session(&TokenHash::of("token-1")).await.unwrap(), Some(session));
    assert_eq!(s.get_session(&TokenHash::of("token-2")).await.unwrap(), None);
    s.delete_session(&TokenHash::of("token-1")).await.unwrap();
    s.delete_session(&TokenHash::of("token-1")).await.unwrap();
    assert_eq!(s.get_session(&TokenHash::of("token-1")).await.unwrap(), None);
}

pub async fn candidates_round_trip_and_updates_are_conditional(s: Arc<dyn Records>) {
    let c = candidate("Иван Петров", Some("hh.ru"), 0);
    s.insert_candidate(&c).await.unwrap();
    assert_eq!(s.get_candidate(c.id).await.unwrap(), Some(c.clone()));
    let mut changed = c.clone();
    changed
        .apply(&CandidateFields { location: Some("Казань".into()), ..Default::default() }, at(5))
        .unwrap();
    s.update_candidate(&changed, c.version).await.unwrap();
    assert_eq!(s.get_candidate(c.id).await.unwrap(), Some(changed.clone()));
    // A writer holding the old version loses.
    let mut stale = c.clone();
    stale.apply(&CandidateFields { location: Some("Сочи".into()), ..Default::default() }, at(6)).unwrap();
    assert!(matches!(s.update_candidate(&stale, c.version).await, Err(StoreError::Conflict)));
    assert_eq!(s.get_candidate(c.id).await.unwrap().unwrap().location.as_deref(), Some("Казань"));
    let other = candidate("Мария Смирнова", None, 1);
    s.insert_candidate(&other).await.unwrap();
    let mut both = s.get_candidates(&[c.id, other.id, otbor_domain::ids::CandidateId::new()]).await.unwrap();
    both.sort_by_key(|c| c.created_at);
    assert_eq!(both.iter().map(|c| c.id).collect::<Vec<_>>(), [c.id, other.id]);
}

pub async fn candidates_are_searched_filtered_sorted_and_paginated(s: Arc<dyn Records>) {
    let names = [
        ("Иван Петров", Some("hh.ru")),
        ("Мария Смирнова", Some("linkedin")),
        ("Пётр Иванов", Some("hh.ru")),
        ("Anna Ivanova", Some("referral")),
        ("Борис Сидоров", None),
    ];
    for (i, (n, src)) in names.iter().enumerate() {
        s.insert_candidate(&candidate(n, *src, i as i64)).await.unwrap();
    }
    let q = |search: Option<&str>, source: Option<&str>| CandidateQuery {
        search: search.map(search_key),
        source: source.map(String::from),
        sort: CandidateSort::Name,
        page: page(1, 10),
        ..Default::default()
    };
    let found = s.list_candidates(&q(Some("ИВАН"), None)).await.unwrap();
    let got: Vec<_> = found.items.iter().map(|c| c.full_name.as_str()).collect();
    assert_eq!(got, ["Иван Петров", "Пётр Иванов"], "search is case-insensitive in Cyrillic");
    assert_eq!(found.total, 2);
    let hh = s.list_candidates(&q(None, Some("hh.ru"))).await.unwrap();
    assert_eq!(hh.total, 2);
    let by_name_desc = CandidateQuery { descending: true, ..q(None, None) };
    let all = s.list_candidates(&by_name_desc).await.unwrap();
    assert_eq!(all.items.first().unwrap().full_name, "Пётр Иванов");
    assert_eq!(all.items.last().unwrap().full_name, "Anna Ivanova");
    let newest = CandidateQuery {
        sort: CandidateSort::CreatedAt,
        descending: true,
        page: page(2, 2),
        ..Default::default()
    };
    let p2 = s.list_candidates(&newest).await.unwrap();
    assert_eq!(p2.total, 5);
    assert_eq!(p2.items.iter().map(|c| c.full_name.as_str()).collect::<Vec<_>>(), ["Пётр Иванов", "Мария Смирнова"]);
    let beyond = s.list_candidates(&CandidateQuery { page: page(9, 2), ..Default::default() }).await.unwrap();
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 5);
}

pub async fn candidates_are_filtered_by_their_applications(s: Arc<dyn Records>) {
    let v1 = vacancy("Rust-разработчик", 0);
    let v2 = vacancy("Бухгалтер", 1);
    s.insert_vacancy(&v1).await.unwrap();
    s.insert_vacancy(&v2).await.unwrap();
    let a = candidate("Алексей Кузнецов", None, 0);
    let b = candidate("Ольга Новикова", None, 1);
    let c = candidate("Дмитрий Волков", None, 2);
    for x in [&a, &b, &c] {
        s.insert_candidate(x).await.unwrap();
    }
    let (app_a, h) = Application::new(a.id, v1.id, &staff(), at(3));
    s.insert_application(&app_a, &h).await.unwrap();
    let (app_b, h) = Application::new(b.id, v1.id, &staff(), at(4));
    s.insert_application(&app_b, &h).await.unwrap();
    let (next, entry) = app_b.transition(Status::InInterview, &staff(), v1.manager_id, None, at(5)).unwrap();
    s.transition_application(&next, app_b.version, &entry).await.unwrap();
    let (app_c, h) = Application::new(c.id, v2.id, &staff(), at(6));
    s.insert_application(&app_c, &h).await.unwrap();

    let names = |q: CandidateQuery| {
        let s = s.clone();
        async move {
            let mut n: Vec<_> = s.list_candidates(&q).await.unwrap().items.into_iter().map(|c| c.full_name).collect();
            n.sort();
            n
        }
    };
    assert_eq!(names(CandidateQuery { vacancy_id: Some(v1.id), ..Default::default() }).await, ["Алексей Кузнецов", "Ольга Новикова"]);
    assert_eq!(names(CandidateQuery { status: Some(Status::AwaitingResponse), ..Default::default() }).await, ["Алексей Кузнецов", "Дмитрий Волков"]);
    assert_eq!(
        names(CandidateQuery { vacancy_id: Some(v1.id), status: Some(Status::InInterview), ..Default::default() }).await,
        ["Ольга Новикова"]
    );
    assert!(names(CandidateQuery { vacancy_id: Some(v2.id), status: Some(Status::InInterview), ..Default::default() }).await.is_empty());
}

pub async fn vacancies_round_trip_and_updates_are_conditional(s: Arc<dyn Records>) {
    let v = vacancy("Аналитик данных", 0);
    s.insert_vacancy(&v).await.unwrap();
    assert_eq!(s.get_vacancy(v.id).await.unwrap(), Some(v.clone()));
    assert_eq!(s.get_vacancy(VacancyId::new()).await.unwrap(), None);
    let mut closed = v.clone();
    closed.close(at(10));
    s.update_vacancy(&closed, v.version).await.unwrap();
    let mut stale = v.clone();
    stale.apply(&VacancyFields { title: Some("Другое".into()), ..Default::default() }, at(11)).unwrap();
    assert!(matches!(s.update_vacancy(&stale, v.version).await, Err(StoreError::Conflict)));
    assert_eq!(s.get_vacancy(v.id).await.unwrap(), Some(closed.clone()));
    assert_eq!(s.get_vacancies(&[v.id]).await.unwrap(), vec![closed]);
}

pub async fn vacancies_are_listed_newest_first_by_state_and_title(s: Arc<dyn Records>) {
    let titles = ["Rust-разработчик", "Бухгалтер (1С)", "Senior Rust Engineer", "Продавец"];
    let mut ids = Vec::new();
    for (i, t) in titles.iter().enumerate() {
        let mut v = vacancy(t, i as i64);
        if i == 3 {
            v.close(at(10));
        }
        s.insert_vacancy(&v).await.unwrap();
        ids.push(v.id);
    }
    let open = s
        .list_vacancies(&VacancyQuery { state: Some(VacancyState::Open), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(open.total, 3);
    assert_eq!(open.items.iter().map(|v| v.title.as_str()).collect::<Vec<_>>(), ["Senior Rust Engineer", "Бухгалтер (1С)", "Rust-разработчик"]);
    let rust = s
        .list_vacancies(&VacancyQuery { search: Some(search_key("RUST")), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(rust.total, 2);
    let closed = s
        .list_vacancies(&VacancyQuery { state: Some(VacancyState::Closed), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(closed.items.iter().map(|v| v.id).collect::<Vec<_>>(), [ids[3]]);
    let p = s.list_vacancies(&VacancyQuery { page: page(2, 3), ..Default::default() }).await.unwrap();
    assert_eq!((p.total, p.items.len()), (4, 1));
}

pub async fn an_application_per_candidate_and_vacancy_only(s: Arc<dyn Records>) {
    let v = vacancy("Тестировщик", 0);
    let c = candidate("Анна Белова", None, 0);
    s.insert_vacancy(&v).await.unwrap();
    s.insert_candidate(&c).await.unwrap();
    let (a, h) = Application::new(c.id, v.id, &staff(), at(1));
    s.insert_application(&a, &h).await.unwrap();
    assert_eq!(s.get_application(a.id).await.unwrap(), Some(a.clone()));
    let (twin, h2) = Application::new(c.id, v.id, &staff(), at(2));
    assert!(matches!(s.insert_application(&twin, &h2).await, Err(StoreError::Duplicate(_))));
    assert_eq!(s.get_application(twin.id).await.unwrap(), None);
    assert_eq!(s.history(a.id).await.unwrap(), vec![h]);
}

pub async fn transitions_are_conditional_and_append_history(s: Arc<dyn Records>) {
    let v = vacancy("Дизайнер", 0);
    let c = candidate("Кира Орлова", None, 0);
    s.insert_vacancy(&v).await.unwrap();
    s.insert_candidate(&c).await.unwrap();
    let (a, first) = Application::new(c.id, v.id, &staff(), at(1));
    s.insert_application(&a, &first).await.unwrap();
    let (b, e1) = a.transition(Status::InInterview, &staff(), v.manager_id, None, at(2)).unwrap();
    s.transition_application(&b, a.version, &e1).await.unwrap();
    // A stale writer (still holding version 1) is refused and leaves no trace.
    let (stale, e_stale) = a.transition(Status::Rejected, &staff(), v.manager_id, Some("поздно"), at(3)).unwrap();
    assert!(matches!(s.transition_application(&stale, a.version, &e_stale).await, Err(StoreError::Conflict)));
    let (c2, e2) = b.transition(Status::Evaluation, &Actor::System, v.manager_id, None, at(4)).unwrap();
    s.transition_application(&c2, b.version, &e2).await.unwrap();
    assert_eq!(s.get_application(a.id).await.unwrap(), Some(c2.clone()));
    assert_eq!(s.history(a.id).await.unwrap(), vec![first, e1, e2]);
}

pub async fn of_two_concurrent_transitions_exactly_one_wins(s: Arc<dyn Records>) {
    let v = vacancy("Менеджер проектов", 0);
    s.insert_vacancy(&v).await.unwrap();
    for round in 0..5 {
        let c = candidate(&format!("Кандидат {round}"), None, round);
        s.insert_candidate(&c).await.unwrap();
        let (a, first) = Application::new(c.id, v.id, &staff(), at(1));
        s.insert_application(&a, &first).await.unwrap();
        let (x, ex) = a.transition(Status::InInterview, &staff(), v.manager_id, None, at(2)).unwrap();
        let (y, ey) = a.transition(Status::Rejected, &staff(), v.manager_id, Some("нет"), at(2)).unwrap();
        let (s1, s2) = (s.clone(), s.clone());
        let (r1, r2) = tokio::join!(
            tokio::spawn(async move { s1.transition_application(&x, 1, &ex).await }),
            tokio::spawn(async move { s2.transition_application(&y, 1, &ey).await }),
        );
        let results = [r1.unwrap(), r2.unwrap()];
        let wins = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results.iter().filter(|r| matches!(r, Err(StoreError::Conflict))).count();
        assert_eq!((wins, conflicts), (1, 1), "round {round}: {results:?}");
        let h = s.history(a.id).await.unwrap();
        assert_eq!(h.len(), 2, "exactly one transition is recorded");
        assert_eq!(s.get_application(a.id).await.unwrap().unwrap().status, h[1].to);
    }
}

pub async fn applications_are_filtered_by_vacancy_candidate_status_and_name(s: Arc<dyn Records>) {
    let v1 = vacancy("A", 0);
    let v2 = vacancy("B", 1);
    s.insert_vacancy(&v1).await.unwrap();
    s.insert_vacancy(&v2).await.unwrap();
    let ivan = candidate("Иван Петров", None, 0);
    let olga = candidate("Ольга Петрова", None, 1);
    let boris = candidate("Борис Сидоров", None, 2);
    for c in [&ivan, &olga, &boris] {
        s.insert_candidate(c).await.unwrap();
    }
    let mut minute = 10;
    let mut make = |c: &Candidate, v: &Vacancy| {
        minute += 1;
        Application::new(c.id, v.id, &staff(), at(minute))
    };
    let pairs = [make(&ivan, &v1), make(&olga, &v1), make(&boris, &v1), make(&ivan, &v2)];
    for (a, h) in &pairs {
        s.insert_application(a, h).await.unwrap();
    }
    let (moved, e) = pairs[1].0.transition(Status::InInterview, &staff(), v1.manager_id, None, at(30)).unwrap();
    s.transition_application(&moved, 1, &e).await.unwrap();

    let list = |q: ApplicationQuery| {
        let s = s.clone();
        async move { s.list_applications(&q).await.unwrap() }
    };
    let by_v1 = list(ApplicationQuery { vacancy_id: Some(v1.id), ..Default::default() }).await;
    assert_eq!(by_v1.total, 3);
    assert_eq!(by_v1.items[0].id, pairs[2].0.id, "newest first");
    let ivans = list(ApplicationQuery { candidate_id: Some(ivan.id), ..Default::default() }).await;
    assert_eq!(ivans.total, 2);
    let interviewing = list(ApplicationQuery { status: Some(Status::InInterview), ..Default::default() }).await;
    assert_eq!(interviewing.items.iter().map(|a| a.id).collect::<Vec<_>>(), [pairs[1].0.id]);
    let petrov = list(ApplicationQuery { vacancy_id: Some(v1.id), search: Some(search_key("ПЕТРОВ")), ..Default::default() }).await;
    assert_eq!(petrov.total, 2);
    let paged = list(ApplicationQuery { page: page(2, 3), ..Default::default() }).await;
    assert_eq!((paged.total, paged.items.len()), (4, 1));
}

pub async fn stage_counts_group_by_vacancy_status_and_furthest_stage(s: Arc<dyn Records>) {
    let v1 = vacancy("A", 0);
    let v2 = vacancy("B", 1);
    let v3 = vacancy("C", 2);
    for v in [&v1, &v2, &v3] {
        s.insert_vacancy(v).await.unwrap();
    }
    let mut apps = Vec::new();
    for i in 0..4 {
        let c = candidate(&format!("Кандидат {i}"), None, i);
        s.insert_candidate(&c).await.unwrap();
        let (a, h) = Application::new(c.id, if i < 3 { v1.id } else { v2.id }, &staff(), at(i));
        s.insert_application(&a, &h).await.unwrap();
        apps.push(a);
    }
    // v1: one stays, one moves to interview, one moves to interview and is rejected.
    let (b, e) = apps[1].transition(Status::InInterview, &staff(), v1.manager_id, None, at(10)).unwrap();
    s.transition_application(&b, 1, &e).await.unwrap();
    let (c, e) = apps[2].transition(Status::InInterview, &staff(), v1.manager_id, None, at(10)).unwrap();
    s.transition_application(&c, 1, &e).await.unwrap();
    let (d, e) = c.transition(Status::Rejected, &staff(), v1.manager_id, Some("нет"), at(11)).unwrap();
    s.transition_application(&d, 2, &e).await.unwrap();

    let mut rows = s.stage_counts(&[v1.id, v3.id]).await.unwrap();
    rows.sort_by_key(|r| (r.status, r.furthest));
    let expected = vec![
        StageCount { vacancy_id: v1.id, status: Status::AwaitingResponse, furthest: Status::AwaitingResponse, count: 1 },
        StageCount { vacancy_id: v1.id, status: Status::InInterview, furthest: Status::InInterview, count: 1 },
        StageCount { vacancy_id: v1.id, status: Status::Rejected, furthest: Status::InInterview, count: 1 },
    ];
    assert_eq!(rows, expected, "v2's application is not counted; v3 has none");
}

pub async fn invites_are_found_by_token_hash_and_updated_conditionally(s: Arc<dyn Records>) {
    let v = vacancy("Оператор", 0);
    s.insert_vacancy(&v).await.unwrap();
    let (inv, token) = Invite::new(InviteKind::Open, v.id, None, UserId::new(), at(0), Duration::days(7));
    s.insert_invite(&inv).await.unwrap();
    assert_eq!(s.invite_by_token(&TokenHash::of(&token)).await.unwrap(), Some(inv.clone()));
    assert_eq!(s.invite_by_token(&TokenHash::of("wrong")).await.unwrap(), None);
    let mut used = inv.clone();
    used.consent((otbor_domain::ids::CandidateId::new(), otbor_domain::ids::ApplicationId::new()), at(5));
    s.update_invite(&used, inv.version).await.unwrap();
    let mut again = inv.clone();
    again.consent((otbor_domain::ids::CandidateId::new(), otbor_domain::ids::ApplicationId::new()), at(6));
    assert!(matches!(s.update_invite(&again, inv.version).await, Err(StoreError::Conflict)));
    assert_eq!(s.invite_by_token(&TokenHash::of(&token)).await.unwrap(), Some(used));
}

pub async fn candidates_are_found_by_email_or_phone(s: Arc<dyn Records>) {
    let mut a = candidate("Анна Белова", None, 0);
    a.email = Some(Email::parse("email", "anna@example.ru").unwrap());
    a.phone = Some(otbor_domain::values::Phone::parse("phone", "+79160000001").unwrap());
    let mut b = candidate("Борис Белов", None, 1);
    b.email = Some(Email::parse("email", "boris@example.ru").unwrap());
    b.phone = Some(otbor_domain::values::Phone::parse("phone", "+79160000002").unwrap());
    s.insert_candidate(&a).await.unwrap();
    s.insert_candidate(&b).await.unwrap();
    let by_email = s.candidate_by_contact(Some(&Email::parse("email", "ANNA@example.ru").unwrap()), None).await.unwrap();
    assert_eq!(by_email.map(|c| c.id), Some(a.id));
    let phone = otbor_domain::values::Phone::parse("phone", "8 916 000-00-02").unwrap();
    let by_phone = s.candidate_by_contact(Some(&Email::parse("email", "other@example.ru").unwrap()), Some(&phone)).await.unwrap();
    assert_eq!(by_phone.map(|c| c.id), Some(b.id));
    assert_eq!(s.candidate_by_contact(None, None).await.unwrap(), None);
    let nobody = otbor_domain::values::Phone::parse("phone", "+79169999999").unwrap();
    assert_eq!(s.candidate_by_contact(None, Some(&nobody)).await.unwrap(), None);
    // A changed email is found under its new value only.
    let mut moved = a.clone();
    moved.email = Some(Email::parse("email", "anna.new@example.ru").unwrap());
    moved.version += 1;
    s.update_candidate(&moved, a.version).await.unwrap();
    assert_eq!(s.candidate_by_contact(Some(&Email::parse("email", "anna@example.ru").unwrap()), None).await.unwrap(), None);
    assert_eq!(
        s.candidate_by_contact(Some(&Email::parse("email", "anna.new@example.ru").unwrap()), None).await.unwrap().map(|c| c.id),
        Some(a.id)
    );
}

pub async fn uploads_round_trip_are_updated_conditionally_and_listed_newest_first(s: Arc<dyn Records>) {
    use otbor_domain::upload::{Upload, UploadStatus};
    let alice = UserId::new();
    let bob = UserId::new();
    let mut ids = Vec::new();
    for (i, who) in [alice, bob, alice].into_iter().enumerate() {
        let (u, _) = Upload::new(&format!("cv{i}.pdf"), "application/pdf", 100, None, who, at(i as i64), Duration::minutes(15)).unwrap();
        s.insert_upload(&u).await.unwrap();
        ids.push(u);
    }
    assert_eq!(s.get_upload(ids[0].id).await.unwrap(), Some(ids[0].clone()));
    let mut failed = ids[0].clone();
    failed.fail("corrupt_pdf", "файл повреждён", "the file is damaged", at(10));
    s.update_upload(&failed, ids[0].version).await.unwrap();
    let mut stale = ids[0].clone();
    stale.set_status(UploadStatus::Uploaded, at(11));
    assert!(matches!(s.update_upload(&stale, ids[0].version).await, Err(StoreError::Conflict)));
    assert_eq!(s.get_upload(ids[0].id).await.unwrap(), Some(failed));
    let mine = s.list_uploads(Some(alice), page(1, 10)).await.unwrap();
    assert_eq!(mine.items.iter().map(|u| u.id).collect::<Vec<_>>(), [ids[2].id, ids[0].id]);
    assert_eq!(s.list_uploads(None, page(1, 2)).await.unwrap().total, 3);
}

pub async fn matches_are_replaced_per_candidate_or_vacancy_and_read_best_first(s: Arc<dyn Records>) {
    use otbor_domain::ids::CandidateId;
    use otbor_domain::ports::MatchRecord;
    let (c1, c2, c3) = (CandidateId::new(), CandidateId::new(), CandidateId::new());
    let (v1, v2) = (VacancyId::new(), VacancyId::new());
    let m = |c, v, score| MatchRecord {
        candidate_id: c,
        vacancy_id: v,
        score,
        detail: serde_json::json!({"verdicts": [{"requirement": 0, "verdict": "met", "evidence": "Python 5 лет"}]}),
        engine: "offline-1".into(),
        computed_at: at(0),
    };
    s.replace_candidate_matches(c1, &[m(c1, v1, 80), m(c1, v2, 40)]).await.unwrap();
    s.replace_candidate_matches(c2, &[m(c2, v1, 95)]).await.unwrap();
    s.replace_candidate_matches(c3, &[m(c3, v1, 10)]).await.unwrap();
    let best = s.matches_for_vacancy(v1, 2).await.unwrap();
    assert_eq!(best.iter().map(|x| (x.candidate_id, x.score)).collect::<Vec<_>>(), [(c2, 95), (c1, 80)]);
    assert_eq!(s.matches_for_candidate(c1).await.unwrap(), vec![m(c1, v1, 80), m(c1, v2, 40)]);
    // A new resume replaces all of the candidate's matches.
    s.replace_candidate_matches(c1, &[m(c1, v2, 70)]).await.unwrap();
    assert_eq!(s.matches_for_candidate(c1).await.unwrap(), vec![m(c1, v2, 70)]);
    assert_eq!(s.matches_for_vacancy(v1, 10).await.unwrap().len(), 2);
    // An edited vacancy replaces all of the vacancy's matches.
    s.replace_vacancy_matches(v1, &[m(c3, v1, 60)]).await.unwrap();
    assert_eq!(s.matches_for_vacancy(v1, 10).await.unwrap(), vec![m(c3, v1, 60)]);
    assert_eq!(s.matches_for_candidate(c2).await.unwrap(), vec![]);
    assert_eq!(s.matches_for_candidate(c1).await.unwrap(), vec![m(c1, v2, 70)]);
}

pub async fn interviews_are_one_per_application_updated_conditionally_with_their_evaluation(s: Arc<dyn Records>) {
    use otbor_domain::ids::{ApplicationId, InviteId};
    use otbor_domain::interview::{Channel, EvaluationRecord, InterviewRecord};
    let app = ApplicationId::new();
    let i = InterviewRecord {
        application_id: app,
        invite_id: InviteId::new(),
        channel: Channel::Chat,
        state: serde_json::json!({"turns": [{"n": 1, "text": "Расскажите о себе"}]}),
        finished: false,
        started_at: at(0),
        updated_at: at(0),
        finished_at: None,
        version: 1,
    };
    s.insert_interview(&i).await.unwrap();
    // A second interview for the same application (another start, another invite) is refused.
    let twin = InterviewRecord { invite_id: InviteId::new(), started_at: at(1), ..i.clone() };
    assert!(matches!(s.insert_interview(&twin).await, Err(StoreError::Duplicate(_))));
    assert_eq!(s.get_interview(app).await.unwrap(), Some(i.clone()));
    assert_eq!(s.get_interview(ApplicationId::new()).await.unwrap(), None);
    let mut next = i.clone();
    next.state = serde_json::json!({"turns": [{"n": 1}, {"n": 2, "text": "Я пишу на Python 5 лет"}]});
    next.version = 2;
    s.update_interview(&next, 1).await.unwrap();
    let mut stale = i.clone();
    stale.finished = true;
    stale.version = 2;
    assert!(matches!(s.update_interview(&stale, 1).await, Err(StoreError::Conflict)));
    assert_eq!(s.get_interview(app).await.unwrap(), Some(next));

    assert_eq!(s.get_evaluation(app).await.unwrap(), None);
    let e = EvaluationRecord { application_id: app, body: serde_json::json!({"score": 72, "recommendation": "advance"}), input_hash: "abc".into(), created_at: at(5) };
    s.put_evaluation(&e).await.unwrap();
    assert_eq!(s.get_evaluation(app).await.unwrap(), Some(e.clone()));
    let again = EvaluationRecord { body: serde_json::json!({"score": 40}), input_hash: "def".into(), ..e };
    s.put_evaluation(&again).await.unwrap();
    assert_eq!(s.get_evaluation(app).await.unwrap(), Some(again));
}

fn notification(key: &str, candidate: Option<otbor_domain::ids::CandidateId>, channel: otbor_domain::notify::ChannelKind, minute: i64) -> otbor_domain::notify::NotificationRecord {
    use otbor_domain::notify::*;
    NotificationRecord {
        key: key.into(),
        event: EventKind::Invitation,
        recipient: match candidate {
            Some(c) => Recipient::Candidate(c),
            None => Recipient::User(UserId::new()),
        },
        candidate_id: candidate,
        channel,
        address: "cand@example.ru".into(),
        subject: "Приглашение на интервью".into(),
        text: "Здравствуйте!".into(),
        html: Some("<p>Здравствуйте!</p>".into()),
        status: DeliveryStatus::Sending,
        error: None,
        attempts: 0,
        created_at: at(minute),
        updated_at: at(minute),
    }
}

pub async fn a_notification_is_claimed_once_per_key_logged_per_candidate_and_listed_newest_first(s: Arc<dyn Records>) {
    use otbor_domain::ids::CandidateId;
    use otbor_domain::notify::{ChannelKind, DeliveryStatus};
    let c = CandidateId::new();
    let first = notification("invitation/i1/c/email", Some(c), ChannelKind::Email, 1);
    assert!(s.claim_notification(&first).await.unwrap(), "a new key is claimed");
    let mut again = first.clone();
    again.subject = "другое".into();
    assert!(!s.claim_notification(&again).await.unwrap(), "a second claim of the same key is refused");
    assert_eq!(s.get_notification(&first.key).await.unwrap().unwrap().subject, first.subject, "the refused claim changed nothing");

    let mut sent = first.clone();
    sent.status = DeliveryStatus::Sent;
    sent.attempts = 1;
    s.update_notification(&sent).await.unwrap();
    assert_eq!(s.get_notification(&first.key).await.unwrap().unwrap(), sent);
    assert!(s.get_notification("missing").await.unwrap().is_none());

    s.claim_notification(&notification("thanks/a1/c/outbox", Some(c), ChannelKind::Outbox, 3)).await.unwrap();
    s.claim_notification(&notification("digest/u1/outbox", None, ChannelKind::Outbox, 2)).await.unwrap();
    s.claim_notification(&notification("other/c2/email", Some(CandidateId::new()), ChannelKind::Email, 4)).await.unwrap();

    let log: Vec<String> = s.notifications_for_candidate(c).await.unwrap().into_iter().map(|n| n.key).collect();
    assert_eq!(log, ["invitation/i1/c/email", "thanks/a1/c/outbox"], "the candidate's log, oldest first");

    let all = s.list_notifications(None, page(1, 3)).await.unwrap();
    assert_eq!(all.total, 4);
    let keys: Vec<String> = all.items.into_iter().map(|n| n.key).collect();
    assert_eq!(keys, ["other/c2/email", "thanks/a1/c/outbox", "digest/u1/outbox"], "newest first");
    let outbox = s.list_notifications(Some(ChannelKind::Outbox), page(2, 1)).await.unwrap();
    assert_eq!(outbox.total, 2);
    assert_eq!(outbox.items[0].key, "digest/u1/outbox");
}

pub async fn entries_are_put_read_listed_by_prefix_and_taken_once(s: Arc<dyn Records>) {
    use serde_json::json;
    s.put_entry("prefs/u1", &json!({"a": 1})).await.unwrap();
    s.put_entry("prefs/u1", &json!({"a": 2})).await.unwrap();
    s.put_entry("prefs/u2", &json!({"a": 3})).await.unwrap();
    s.put_entry("prefsX", &json!(null)).await.unwrap();
    s.put_entry("code/abc", &json!("Привет")).await.unwrap();
    assert_eq!(s.get_entry("prefs/u1").await.unwrap(), Some(json!({"a": 2})), "a put replaces");
    assert_eq!(s.get_entry("nothing").await.unwrap(), None);
    let listed = s.list_entries("prefs/").await.unwrap();
    assert_eq!(listed, vec![("prefs/u1".to_string(), json!({"a": 2})), ("prefs/u2".to_string(), json!({"a": 3}))]);

    let (a, b) = tokio::join!(s.take_entry("code/abc"), s.take_entry("code/abc"));
    let taken: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(taken, vec![json!("Привет")], "exactly one of two takers gets a one-time code");
    assert_eq!(s.get_entry("code/abc").await.unwrap(), None);
}
