//! Notifications end to end: a hiring flow sends each person the right message once, by
//! email to a real SMTP server (aiosmtpd) and through a checking fake of the Telegram Bot
//! API; without channels everything lands in the outbox; unsubscribes and bounces stop
//! email; a failing channel is retried and parked without holding up the pipeline; the
//! candidate can take the interview in Telegram.

use crate::helpers::*;
use crate::intake::drain;
use crate::interview::take_interview;
use otbor_notify::testing::{FakeTelegram, SmtpSink};
use serde_json::{Value, json};
use std::time::Duration;

const PUBLIC: &str = "https://otbor.example.ru";

fn with_email(sink: &SmtpSink) -> impl FnOnce(&mut otbor_adapters::Settings) + use<> {
    let url = sink.url();
    move |s| {
        s.give("OTBOR_SMTP_URL", url);
        s.give("OTBOR_SMTP_FROM", "Otbor <noreply@otbor.example.ru>");
        s.public_url = Some(PUBLIC.into());
    }
}

/// A vacancy, a candidate with this email and a personal invite sent to them.
async fn invited(app: &TestApp, email: &str) -> (Client, Client, Value, Value, String) {
    let (manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;
    let v = vacancy(&manager, "Rust-разработчик").await;
    let c = recruiter.post("/api/candidates", json!({"full_name": "Анна Смирнова", "email": email})).await.expect(201);
    let inv = recruiter.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c["id"]})).await.expect(201);
    let token = inv["token"].as_str().unwrap().to_string();
    (manager, recruiter, v, c, token)
}

/// The decoded text of every text part of a raw message.
fn body(raw: &str) -> String {
    let m = mail_parser::MessageParser::default().parse(raw.as_bytes()).expect("a MIME message");
    let text = (0..m.text_body_count()).filter_map(|i| m.body_text(i)).collect::<Vec<_>>().join("\n");
    let html = (0..m.html_body_count()).filter_map(|i| m.body_html(i)).collect::<Vec<_>>().join("\n");
    format!("{text}\n{html}")
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[tokio::test]
async fn a_hiring_flow_emails_each_person_once_in_their_language() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(with_email(&sink)).await;
    let (manager, recruiter, v, c, token) = invited(&app, "anna@example.ru").await;
    drain(&app).await;
    drain(&app).await;
    let mail = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mail.len(), 1, "one invitation, however often the queue is drained");
    assert_eq!(header(&mail[0], "To"), Some("anna@example.ru"));
    assert!(body(&mail[0]).contains(&format!("{PUBLIC}/i/{token}")), "the email carries the candidate's own link");
    assert!(header(&mail[0], "List-Unsubscribe").is_some_and(|u| u.contains("/unsubscribe/")));

    let anon = app.anonymous();
    anon.post(&format!("/api/interview/{token}/consent"), json!({"consent": true})).await.expect(200);
    take_interview(&anon, &token, &["Пишу на Rust пять лет: tokio, axum, PostgreSQL; сам проектировал сервис платежей.".to_string()]).await;
    drain(&app).await;
    // Thanks to the candidate, word to the recruiter, the manager asked to decide.
    let mail = sink.wait_for(4, Duration::from_secs(5)).await;
    let to = |who: &str| mail.iter().filter(|m| header(m, "To") == Some(who)).count();
    let (r, m) = (recruiter.get("/api/auth/me").await.expect(200), manager.get("/api/auth/me").await.expect(200));
    let (r_email, m_email) = (r["user"]["email"].as_str().unwrap().to_string(), m["user"]["email"].as_str().unwrap().to_string());
    assert_eq!(to("anna@example.ru"), 2, "invitation and thanks");
    assert_eq!(to(&r_email), 1, "the recruiter hears the interview finished");
    assert_eq!(to(&m_email), 1, "the manager is asked to decide");

    let a = manager.get(&format!("/api/applications?vacancy_id={}", id(&v))).await.expect(200)["items"][0].clone();
    manager.post(&format!("/api/applications/{}/decision", id(&a)), json!({"decision": "rejected", "reason": "нужен опыт с Kafka"})).await.expect(200);
    drain(&app).await;
    let mail = sink.wait_for(5, Duration::from_secs(5)).await;
    let decision = mail.last().unwrap();
    assert_eq!(header(decision, "To"), Some("anna@example.ru"));
    assert!(!decision.contains("Kafka"), "the reason stays inside unless the company shares it");

    let log = recruiter.get(&format!("/api/candidates/{}/notifications", id(&c))).await.expect(200);
    let events: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["recipient"]["kind"] == "candidate")
        .map(|n| (n["event"].as_str().unwrap(), n["channel"].as_str().unwrap(), n["status"].as_str().unwrap()))
        .collect();
    assert_eq!(events, [("invitation", "email", "sent"), ("interview_thanks", "email", "sent"), ("decision", "email", "sent")]);
}

#[tokio::test]
async fn without_channels_every_message_lands_in_the_outbox_for_the_admin() {
    let app = spawn_app().await;
    let (_, recruiter, _, _, token) = invited(&app, "boris@example.ru").await;
    drain(&app).await;
    let admin = app.admin().await;
    let outbox = admin.get("/api/notifications?channel=outbox").await.expect(200);
    assert_eq!(outbox["total"], 1);
    let n = &outbox["items"][0];
    assert_eq!(n["event"], "invitation");
    assert_eq!(n["address"], "email: boris@example.ru");
    assert!(n["text"].as_str().unwrap().contains(&format!("/i/{token}")));
    assert!(n["html"].as_str().unwrap().contains("<a href="));
    assert_eq!(recruiter.get("/api/notifications").await.error(403), "forbidden");
}

#[tokio::test]
async fn an_invite_can_be_created_without_sending_it() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "Аналитик").await;
    let c = candidate(&manager, "Вера Тихая").await;
    manager.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c["id"], "send": false})).await.expect(201);
    drain(&app).await;
    assert_eq!(app.admin().await.get("/api/notifications").await.expect(200)["total"], 0);
}

#[tokio::test]
async fn an_unsubscribed_or_bounced_address_gets_no_more_email() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(with_email(&sink)).await;
    let (manager, recruiter, _, c, _) = invited(&app, "gleb@example.ru").await;
    drain(&app).await;
    let mail = sink.wait_for(1, Duration::from_secs(5)).await;
    let unsubscribe = header(&mail[0], "List-Unsubscribe").unwrap().trim_matches(['<', '>']).to_string();
    let code = unsubscribe.rsplit('/').next().unwrap();
    let anon = app.anonymous();
    let page = anon.get(&format!("/api/unsubscribe/{code}")).await.expect(200);
    assert_eq!(page, json!({"email": "g***@example.ru", "unsubscribed": false}));
    anon.post(&format!("/api/unsubscribe/{code}"), json!({})).await.expect(200);
    assert_eq!(anon.get(&format!("/api/unsubscribe/{code}")).await.expect(200)["unsubscribed"], true);
    assert_eq!(anon.get(&format!("/api/unsubscribe/{}", "0".repeat(64))).await.error(404), "not_found");

    let v2 = vacancy(&manager, "Второй проект").await;
    recruiter.post(&format!("/api/vacancies/{}/invites", id(&v2)), json!({"candidate_id": c["id"]})).await.expect(201);
    drain(&app).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 1, "nothing more after the unsubscribe");
    let log = recruiter.get(&format!("/api/candidates/{}/notifications", id(&c))).await.expect(200);
    assert_eq!(log[1]["status"], "suppressed");

    // A mailbox the server refuses: failed with the reason, and later mail is not tried.
    let (_, recruiter, _, bounced, _) = invited(&app, "bounce-anna@example.ru").await;
    drain(&app).await;
    let log = recruiter.get(&format!("/api/candidates/{}/notifications", id(&bounced))).await.expect(200);
    assert_eq!(log[0]["status"], "failed");
    assert!(log[0]["error"].as_str().unwrap().contains("refused"), "{log}");
}

#[tokio::test]
async fn a_failing_mail_server_is_retried_then_parked_and_the_hiring_step_still_succeeds() {
    let app = spawn_app_with(|s| {
        s.give("OTBOR_SMTP_URL", "smtp://127.0.0.1:1");
        s.give("OTBOR_SMTP_FROM", "noreply@otbor.example.ru");
        s.max_receives = 2;
    })
    .await;
    let (_, recruiter, _, c, _) = invited(&app, "dina@example.ru").await;
    let w = otbor::worker::Worker { queue: app.built.ports.jobs.clone(), handlers: otbor::app::handlers(&app.built.state), ready: None };
    // The vacancy's matching job comes first, then the invitation's send job, which fails.
    let mut log = Value::Null;
    for _ in 0..5 {
        w.run_one().await.unwrap();
        log = recruiter.get(&format!("/api/candidates/{}/notifications", id(&c))).await.expect(200);
        if !log.as_array().unwrap().is_empty() {
            break;
        }
    }
    assert_eq!(log[0]["status"], "sending", "kept for a retry");
    assert!(log[0]["error"].as_str().unwrap().contains("could not be reached"), "{log}");
    // The retry comes after the backoff; the second failure parks the job.
    let mut parked = Vec::new();
    for _ in 0..150 {
        w.run_one().await.unwrap();
        parked = app.built.ports.jobs.dead_letters(10).await.unwrap();
        if !parked.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].kind, "notify.send");
    let log = recruiter.get(&format!("/api/candidates/{}/notifications", id(&c))).await.expect(200);
    assert_eq!(log[0]["attempts"], 2);
}

#[tokio::test]
async fn a_company_template_is_checked_previewed_used_and_reset() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let all = admin.get("/api/notification-templates").await.expect(200);
    assert_eq!(all.as_array().unwrap().len(), 18, "nine events in two languages");
    let broken = json!({"subject": "Интервью {{ vacancy }}", "text": "Привет, {{ nickname }}!", "html": "<p>x</p>"});
    let refused = admin.send(reqwest::Method::PUT, "/api/notification-templates/invitation/ru", Some(broken)).await;
    assert_eq!(refused.body["error"]["field"], "text");
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("`nickname`"), "{}", refused.body);
    refused.error(400);
    let mine = json!({"subject": "{{ company }} ждёт вас: {{ vacancy }}", "text": "Ссылка: {{ link }}", "html": "<p><a href=\"{{ link }}\">Начать</a></p>"});
    let preview = admin.post("/api/notification-templates/invitation/ru/preview", mine.clone()).await.expect(200);
    assert_eq!(preview["subject"], "ООО «Пример» ждёт вас: Backend-разработчик (Rust)");
    admin.send(reqwest::Method::PUT, "/api/notification-templates/invitation/ru", Some(mine)).await.expect(200);
    let (manager, _) = app.user("manager").await;
    assert_eq!(manager.send(reqwest::Method::PUT, "/api/notification-templates/invitation/ru", Some(json!({"subject": "a", "text": "b", "html": "c"}))).await.error(403), "forbidden");

    invited(&app, "elena@example.ru").await;
    drain(&app).await;
    let sent = admin.get("/api/notifications").await.expect(200);
    assert_eq!(sent["items"][0]["subject"], "Otbor ждёт вас: Rust-разработчик");
    let reset = admin.send(reqwest::Method::DELETE, "/api/notification-templates/invitation/ru", None).await.expect(200);
    assert_eq!(reset["custom"], false);
}

#[tokio::test]
async fn staff_choose_their_channels_and_language() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let prefs = manager.get("/api/me/notifications").await.expect(200);
    assert_eq!(prefs["channels"]["awaiting_decision"], json!(["email", "telegram"]));
    assert_eq!(prefs["telegram_available"], false);
    let refused = manager.send(reqwest::Method::PUT, "/api/me/notifications", Some(json!({"lang": "en", "channels": {"invitation": ["email"]}}))).await;
    assert_eq!(refused.body["error"]["code"], "candidate_event");
    let saved = manager.send(reqwest::Method::PUT, "/api/me/notifications", Some(json!({"lang": "en", "channels": {"daily_digest": []}}))).await.expect(200);
    assert_eq!(saved["lang"], "en");
    assert_eq!(saved["channels"]["daily_digest"], json!([]));
    assert_eq!(manager.post("/api/me/telegram", json!({})).await.error(400), "telegram_not_configured");
}

#[tokio::test]
async fn reminders_go_once_to_unused_links_and_managers_get_one_digest_a_day() {
    let app = spawn_app_with(|s| s.invite_ttl_days = 1).await;
    let (manager, recruiter, v, _, _) = invited(&app, "fedor@example.ru").await;
    // A second candidate who already started: no reminder for them.
    let c2 = recruiter.post("/api/candidates", json!({"full_name": "Жанна Started", "email": "zh@example.ru"})).await.expect(201);
    let inv2 = recruiter.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c2["id"]})).await.expect(201);
    let t2 = inv2["token"].as_str().unwrap();
    let anon = app.anonymous();
    anon.post(&format!("/api/interview/{t2}/consent"), json!({"consent": true})).await.expect(200);
    take_interview(&anon, t2, &[]).await;
    drain(&app).await;

    let st = &app.built.state;
    let first = otbor_app::notices::run_schedule(st, 0).await.unwrap();
    assert_eq!(first.reminders, 1, "only the unused link is reminded");
    assert_eq!(first.digests, 1, "one manager waits on a decision");
    let again = otbor_app::notices::run_schedule(st, 0).await.unwrap();
    assert_eq!(again.reminders, 0);
    drain(&app).await;
    let admin = app.admin().await;
    let all = admin.get("/api/notifications?per_page=100").await.expect(200);
    let kinds: Vec<&str> = all["items"].as_array().unwrap().iter().map(|n| n["event"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "invite_reminder").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "daily_digest").count(), 1, "one digest a day however often the scheduler runs");
    let digest = all["items"].as_array().unwrap().iter().find(|n| n["event"] == "daily_digest").unwrap();
    assert!(digest["subject"].as_str().unwrap().contains("1 кандидат"), "{digest}");
    let _ = manager;
}

fn with_telegram(fake: &FakeTelegram, sink: &SmtpSink) -> impl FnOnce(&mut otbor_adapters::Settings) + use<> {
    let (url, token, smtp) = (fake.url.clone(), fake.token.clone(), sink.url());
    move |s| {
        s.give("OTBOR_TELEGRAM_BOT_TOKEN", token);
        s.give("OTBOR_TELEGRAM_API_URL", url);
        s.give("OTBOR_TELEGRAM_BOT_NAME", "otbor_test_bot");
        s.give("OTBOR_TELEGRAM_WEBHOOK_SECRET", "webhook-secret-1");
        s.give("OTBOR_SMTP_URL", smtp);
        s.give("OTBOR_SMTP_FROM", "noreply@otbor.example.ru");
        s.public_url = Some(PUBLIC.into());
    }
}

async fn webhook(app: &TestApp, secret: Option<&str>, body: &Value) -> Answer {
    let mut req = reqwest::Client::new().post(format!("{}/api/telegram/webhook", app.base)).json(body);
    if let Some(s) = secret {
        req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
    }
    answer(req.send().await.unwrap()).await
}

#[tokio::test]
async fn staff_link_telegram_with_a_one_time_code_and_forged_webhooks_are_refused() {
    let (fake, sink) = (FakeTelegram::start().await, SmtpSink::start());
    let app = spawn_app_with(with_telegram(&fake, &sink)).await;
    let (recruiter, _) = app.user("recruiter").await;
    let link = recruiter.post("/api/me/telegram", json!({})).await.expect(200);
    let url = link["url"].as_str().unwrap();
    let code = url.strip_prefix("https://t.me/otbor_test_bot?start=").expect("a deep link to the bot");
    let start = fake.push_update(FakeTelegram::text_update(501, &format!("/start {code}")));

    assert_eq!(webhook(&app, None, &start).await.error(401), "bad_webhook_secret");
    assert_eq!(webhook(&app, Some("wrong"), &start).await.error(401), "bad_webhook_secret");
    assert_eq!(webhook(&app, Some("webhook-secret-1"), &json!({"update_id": "x"})).await.error(400), "bad_update");
    assert!(fake.sent().is_empty(), "nothing was done for a forged or malformed call");

    webhook(&app, Some("webhook-secret-1"), &start).await.expect(200);
    assert!(fake.sent_to(501)[0].text.contains("Готово"), "{:?}", fake.sent());
    assert_eq!(recruiter.get("/api/me/notifications").await.expect(200)["telegram_linked"], true);
    // The code works once.
    webhook(&app, Some("webhook-secret-1"), &fake.push_update(FakeTelegram::text_update(502, &format!("/start {code}")))).await.expect(200);
    assert!(fake.sent_to(502)[0].text.contains("устарела или уже использована"));

    // The recruiter's next notice reaches the chat, escaped for Telegram's HTML.
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "C++ <senior> & lead").await;
    let c = recruiter.post("/api/candidates", json!({"full_name": "Ира", "email": "ira@example.ru"})).await.expect(201);
    let inv = recruiter.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c["id"]})).await.expect(201);
    let token = inv["token"].as_str().unwrap();
    let anon = app.anonymous();
    anon.post(&format!("/api/interview/{token}/consent"), json!({"consent": true})).await.expect(200);
    anon.post(&format!("/api/interview/{token}/start"), json!({})).await.expect(200);
    anon.post(&format!("/api/interview/{token}/finish"), json!({})).await.expect(200);
    drain(&app).await;
    let to_chat = fake.sent_to(501);
    let finished = to_chat.last().unwrap();
    assert!(finished.text.contains("C++ &lt;senior&gt; &amp; lead"), "{}", finished.text);
    assert_eq!(finished.parse_mode.as_deref(), Some("HTML"));
}

#[tokio::test]
async fn a_candidate_takes_the_same_interview_in_telegram() {
    let (fake, sink) = (FakeTelegram::start().await, SmtpSink::start());
    let app = spawn_app_with(with_telegram(&fake, &sink)).await;
    let (manager, _, v, _, token) = invited(&app, "kira@example.ru").await;
    drain(&app).await;
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    let sent = app.admin().await.get("/api/notifications").await.expect(200);
    let text = sent["items"][0]["text"].as_str().unwrap().to_string();
    let code = text.split("https://t.me/otbor_test_bot?start=").nth(1).expect("the invitation offers the bot")[..32].to_string();
    let secret = Some("webhook-secret-1");
    webhook(&app, secret, &fake.push_update(FakeTelegram::text_update(777, &format!("/start {code}")))).await.expect(200);
    let intro = &fake.sent_to(777)[0];
    assert_eq!(intro.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["callback_data"], "consent");
    // An answer before consent is not taken as one.
    webhook(&app, secret, &fake.push_update(FakeTelegram::text_update(777, "привет"))).await.expect(200);
    webhook(&app, secret, &fake.push_update(FakeTelegram::callback_update(777, "cb-1", "consent"))).await.expect(200);
    assert_eq!(fake.answered_callbacks(), ["cb-1"]);
    let state = app.anonymous().get(&format!("/api/interview/{token}")).await.expect(200);
    assert_eq!(state["status"], "in_interview");
    let question = state["chat"]["question"].as_str().unwrap().to_string();
    assert!(fake.sent_to(777).last().unwrap().text.contains(&otbor_notify::templates::telegram_escape(&question)));

    for i in 0..40 {
        let page = app.anonymous().get(&format!("/api/interview/{token}")).await.expect(200);
        if page["chat"]["finished"] == true {
            break;
        }
        let text = if i == 0 { "Пишу на Rust четыре года: tokio, axum, sqlx; вёл миграцию сервиса с Go." } else { "Нет, больше добавить нечего." };
        webhook(&app, secret, &fake.push_update(FakeTelegram::text_update(777, text))).await.expect(200);
    }
    let done = app.anonymous().get(&format!("/api/interview/{token}")).await.expect(200);
    assert_eq!(done["chat"]["finished"], true);
    assert_eq!(done["status"], "evaluation");
    assert!(fake.sent_to(777).last().unwrap().text.contains("Спасибо"));
    let turns = done["chat"]["turns"].as_array().unwrap();
    assert!(turns.iter().any(|t| t["text"].as_str().unwrap().contains("четыре года")), "the Telegram answers are the interview's turns");
    drain(&app).await;
    let a = manager.get(&format!("/api/applications?vacancy_id={}", id(&v))).await.expect(200)["items"][0].clone();
    assert_eq!(a["status"], "awaiting_manager_decision", "evaluated like any other interview");
}

#[tokio::test]
async fn a_blocked_bot_fails_that_message_and_unlinks_the_chat() {
    let (fake, sink) = (FakeTelegram::start().await, SmtpSink::start());
    let app = spawn_app_with(with_telegram(&fake, &sink)).await;
    let (recruiter, _) = app.user("recruiter").await;
    let link = recruiter.post("/api/me/telegram", json!({})).await.expect(200);
    let code = link["url"].as_str().unwrap().rsplit('=').next().unwrap().to_string();
    webhook(&app, Some("webhook-secret-1"), &fake.push_update(FakeTelegram::text_update(900, &format!("/start {code}")))).await.expect(200);
    fake.block(900);
    recruiter.send(reqwest::Method::PUT, "/api/me/notifications", Some(json!({"lang": "ru", "channels": {"upload_failed": ["telegram"]}}))).await.expect(200);
    let me = recruiter.get("/api/auth/me").await.expect(200);
    let user_id = me["user"]["id"].as_str().unwrap();
    let notice = otbor_app::notify::Notice {
        event: otbor_domain::notify::EventKind::UploadFailed,
        recipient: otbor_domain::notify::Recipient::User(user_id.parse().unwrap()),
        key: "upload-failed/test".into(),
        candidate_id: None,
        vars: otbor_notify::templates::sample_variables(otbor_domain::notify::EventKind::UploadFailed, otbor_domain::Lang::Ru),
        lang: None,
    };
    otbor_app::notify::raise(&app.built.state, notice.clone()).await;
    otbor_app::notify::raise(&app.built.state, notice).await;
    drain(&app).await;
    let admin = app.admin().await;
    let all = admin.get("/api/notifications").await.expect(200);
    assert_eq!(all["total"], 1, "the duplicate event made no second record");
    assert_eq!(all["items"][0]["status"], "failed");
    assert!(all["items"][0]["error"].as_str().unwrap().contains("blocked"));
    assert_eq!(recruiter.get("/api/me/notifications").await.expect(200)["telegram_linked"], false);
}
