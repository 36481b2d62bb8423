//! Demo data for `otbor serve --demo`: three users, a few vacancies and candidates, and
//! applications at every stage, so that a newcomer sees a living pipeline. Loading is
//! idempotent: it does nothing if the vacancies are already there.

use otbor_adapters::Settings;
use otbor_app::AppState;
use otbor_app::users::{self, NewUser};
use otbor_domain::application::{Actor, Application, Status};
use otbor_domain::candidate::{Candidate, CandidateFields};
use otbor_domain::query::VacancyQuery;
use otbor_domain::user::{Role, User};
use otbor_domain::values::Email;
use otbor_domain::vacancy::{Requirement, RequirementKind, Vacancy, VacancyFields};
use otbor_domain::Lang;

pub const ADMIN: (&str, &str) = ("admin@otbor.local", "admin-password-1");
pub const MANAGER: (&str, &str) = ("manager@otbor.local", "manager-password-1");
pub const RECRUITER: (&str, &str) = ("recruiter@otbor.local", "recruiter-password-1");

/// Creates the user unless one with this email exists.
pub async fn ensure_user(st: &AppState, email: &str, name: &str, role: Role, password: &str) -> anyhow::Result<User> {
    let parsed = Email::parse("email", email).map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
    if let Some(u) = st.records.user_by_email(&parsed).await? {
        return Ok(u);
    }
    let new = NewUser { email: email.into(), name: name.into(), role, password: password.into() };
    let user = users::create(st, &new).await.map_err(|e| anyhow::anyhow!("creating {email}: {e}"))?;
    tracing::info!(%email, role = role.as_str(), "user created at start-up");
    Ok(user)
}

fn req(text: &str, kind: RequirementKind, weight: u8, min_years: Option<u8>) -> Requirement {
    Requirement { text: text.into(), kind, weight, min_years }
}

pub async fn seed(st: &AppState) -> anyhow::Result<()> {
    let manager = ensure_user(st, MANAGER.0, "Марина Соколова", Role::Manager, MANAGER.1).await?;
    let recruiter = ensure_user(st, RECRUITER.0, "Олег Васильев", Role::Recruiter, RECRUITER.1).await?;
    if st.records.list_vacancies(&VacancyQuery::default()).await?.total > 0 {
        return Ok(());
    }
    let now = st.clock.now();
    use RequirementKind::{Must, Nice};
    let vacancies = [
        VacancyFields {
            title: Some("Backend-разработчик (Rust)".into()),
            description: Some("Разрабатываем сервисы обработки заказов. Команда из 6 человек, код-ревью, CI.".into()),
            requirements: Some(vec![
                req("Rust в продакшене", Must, 8, Some(2)),
                req("PostgreSQL", Must, 6, Some(2)),
                req("Kubernetes", Nice, 3, None),
                req("Kafka", Nice, 2, None),
            ]),
            min_experience_years: Some(Some(3)),
            location: Some("Москва".into()),
            remote: Some(true),
            language: Some(Lang::Ru),
        },
        VacancyFields {
            title: Some("Бухгалтер (1С:Бухгалтерия)".into()),
            description: Some("Участок первичной документации и расчёты с контрагентами.".into()),
            requirements: Some(vec![
                req("1С:Бухгалтерия 8.3", Must, 8, Some(3)),
                req("МСФО", Nice, 4, None),
            ]),
            min_experience_years: Some(Some(3)),
            location: Some("Санкт-Петербург".into()),
            remote: Some(false),
            language: Some(Lang::Ru),
        },
        VacancyFields {
            title: Some("Data Analyst".into()),
            description: Some("Product analytics for a marketplace: metrics, A/B tests, dashboards.".into()),
            requirements: Some(vec![
                req("SQL", Must, 8, Some(2)),
                req("Python (pandas)", Must, 6, Some(1)),
                req("A/B testing", Nice, 4, None),
            ]),
            min_experience_years: Some(Some(2)),
            location: None,
            remote: Some(true),
            language: Some(Lang::En),
        },
    ];
    let mut created = Vec::new();
    for f in &vacancies {
        let v = Vacancy::new(f, manager.id, now)?;
        st.records.insert_vacancy(&v).await?;
        created.push(v);
    }
    let people = [
        ("Иван Петров", "ivan.petrov@example.ru", "+79161234501", "Москва", "hh.ru"),
        ("Мария Смирнова", "m.smirnova@example.ru", "+79161234502", "Москва", "hh.ru"),
        ("Алексей Кузнецов", "a.kuznetsov@example.ru", "+79161234503", "Казань", "linkedin"),
        ("Ольга Новикова", "olga.novikova@example.ru", "+79161234504", "Санкт-Петербург", "hh.ru"),
        ("Дмитрий Волков", "d.volkov@example.ru", "+79161234505", "Новосибирск", "referral"),
        ("Анна Морозова", "anna.morozova@example.ru", "+79161234506", "Санкт-Петербург", "hh.ru"),
        ("Sergey Lebedev", "s.lebedev@example.com", "+79161234507", "Екатеринбург", "linkedin"),
        ("Екатерина Павлова", "e.pavlova@example.ru", "+79161234508", "Москва", "manual"),
    ];
    let mut candidates = Vec::new();
    for (name, email, phone, city, source) in people {
        let f = CandidateFields {
            full_name: Some(name.into()),
            email: Some(email.into()),
            phone: Some(phone.into()),
            location: Some(city.into()),
            source: Some(source.into()),
        };
        let c = Candidate::new(&f, now)?;
        st.records.insert_candidate(&c).await?;
        candidates.push(c);
    }
    let r = Actor::User { id: recruiter.id, role: recruiter.role, name: recruiter.name.clone() };
    let m = Actor::User { id: manager.id, role: manager.role, name: manager.name.clone() };
    // (candidate, vacancy, the moves to make)
    let plan: [(usize, usize, &[(Status, Option<&str>)]); 8] = [
        (0, 0, &[(Status::InInterview, None), (Status::Evaluation, None), (Status::AwaitingManagerDecision, None)]),
        (1, 0, &[(Status::InInterview, None)]),
        (2, 0, &[]),
        (6, 0, &[(Status::Rejected, Some("Нет опыта с Rust в продакшене"))]),
        (3, 1, &[(Status::InInterview, None), (Status::Evaluation, None)]),
        (5, 1, &[(Status::InInterview, None), (Status::Evaluation, None), (Status::AwaitingManagerDecision, None), (Status::Accepted, None)]),
        (4, 2, &[]),
        (7, 2, &[(Status::InInterview, None)]),
    ];
    for (ci, vi, moves) in plan {
        let v = &created[vi];
        let (mut app, first) = Application::new(candidates[ci].id, v.id, &r, now);
        st.records.insert_application(&app, &first).await?;
        for (to, why) in moves {
            let actor = if app.status == Status::AwaitingManagerDecision { &m } else { &r };
            let (next, entry) = app.transition(*to, actor, v.manager_id, *why, st.clock.now())?;
            st.records.transition_application(&next, app.version, &entry).await?;
            app = next;
        }
    }
    tracing::info!("demo data loaded");
    Ok(())
}

pub fn print_logins(settings: &Settings) {
    let admin = settings.admin_email.as_deref().unwrap_or(ADMIN.0);
    let admin_password = if admin == ADMIN.0 { ADMIN.1 } else { "(from OTBOR_ADMIN_PASSWORD)" };
    println!("Demo logins:");
    println!("  manager    {}  /  {}", MANAGER.0, MANAGER.1);
    println!("  recruiter  {}  /  {}", RECRUITER.0, RECRUITER.1);
    println!("  admin      {admin}  /  {admin_password}");
}
