//! The channels against real peers: email to a real SMTP server (aiosmtpd on loopback), and
//! Telegram to a wire-compatible fake of the Bot API that refuses what Telegram refuses.

use otbor_domain::Lang;
use otbor_domain::notify::EventKind;
use otbor_notify::SendError;
use otbor_notify::email::Email;
use otbor_notify::telegram::{InlineButton, Telegram};
use otbor_notify::templates::{default_template, render, sample_variables, telegram_escape};
use otbor_notify::testing::{FakeTelegram, SmtpSink};
use std::time::Duration;

fn invitation() -> otbor_notify::Rendered {
    render(&default_template(EventKind::Invitation, Lang::Ru), &sample_variables(EventKind::Invitation, Lang::Ru), Lang::Ru).unwrap()
}

/// Decodes the body of a MIME part with the given content type from a raw message.
fn part(raw: &str, content_type: &str) -> String {
    let start = raw.find(&format!("Content-Type: {content_type}")).unwrap_or_else(|| panic!("no {content_type} part in\n{raw}"));
    let rest = &raw[start..];
    let body_start = rest.find("\r\n\r\n").unwrap() + 4;
    let header = &rest[..body_start];
    let body = &rest[body_start..rest[body_start..].find("\r\n--").map(|i| body_start + i).unwrap_or(rest.len())];
    if header.contains("Content-Transfer-Encoding: base64") {
        use base64::Engine;
        let compact: String = body.split_whitespace().collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).unwrap()).unwrap()
    } else if header.contains("quoted-printable") {
        String::from_utf8(quoted_printable::decode(body, quoted_printable::ParseMode::Robust).unwrap()).unwrap()
    } else {
        body.to_string()
    }
}

#[tokio::test]
async fn an_email_arrives_with_both_parts_the_link_and_russian_text_intact() {
    let sink = SmtpSink::start();
    let email = Email::new(&sink.url(), "Otbor <noreply@otbor.example.ru>").unwrap();
    let msg = invitation();
    email.send("anna@example.ru", &msg, Some("https://otbor.example.ru/u/abc")).await.unwrap();
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    let raw = &got[0];
    assert!(raw.contains("To: anna@example.ru"), "{raw}");
    assert!(raw.contains("From: Otbor <noreply@otbor.example.ru>"), "{raw}");
    assert!(raw.contains("List-Unsubscribe: <https://otbor.example.ru/u/abc>"), "{raw}");
    assert!(raw.contains("multipart/alternative"), "{raw}");
    // The Russian subject travels as an RFC 2047 encoded word and decodes back.
    assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
    let text = part(raw, "text/plain; charset=utf-8");
    let html = part(raw, "text/html; charset=utf-8");
    assert!(text.contains("Здравствуйте, Анна Смирнова!"), "{text}");
    assert!(text.contains("https://otbor.example.ru/i/0123456789abcdef"), "{text}");
    assert!(html.contains("<a href=\"https://otbor.example.ru/i/0123456789abcdef\">Начать интервью</a>"), "{html}");
}

#[tokio::test]
async fn a_refused_mailbox_is_a_permanent_failure_and_a_busy_server_a_transient_one() {
    let sink = SmtpSink::start();
    let email = Email::new(&sink.url(), "noreply@otbor.example.ru").unwrap();
    let bounced = email.send("bounce-me@example.ru", &invitation(), None).await.unwrap_err();
    assert!(matches!(bounced, SendError::Permanent(_)), "{bounced:?}");
    let busy = email.send("busy@example.ru", &invitation(), None).await.unwrap_err();
    assert!(matches!(busy, SendError::Transient(_)), "{busy:?}");
    let invalid = email.send("not an address", &invitation(), None).await.unwrap_err();
    assert!(matches!(invalid, SendError::Permanent(ref m) if m.contains("not valid")), "{invalid:?}");
    let down = Email::new("smtp://127.0.0.1:1", "noreply@otbor.example.ru").unwrap();
    assert!(matches!(down.send("a@example.ru", &invitation(), None).await.unwrap_err(), SendError::Transient(_)));
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn telegram_gets_escaped_html_and_a_valid_inline_keyboard() {
    let fake = FakeTelegram::start().await;
    let tg = Telegram::new(&fake.url, &fake.token).unwrap();
    let text = format!("<b>{}</b>\n{}", telegram_escape("Вакансия <Rust> & Go"), telegram_escape("a < b && c > d"));
    let buttons = vec![vec![InlineButton { text: "Начать".into(), url: None, callback_data: Some("start".into()) }]];
    tg.send_message(42, &text, &buttons).await.unwrap();
    let sent = fake.sent_to(42);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
    assert_eq!(sent[0].text, "<b>Вакансия &lt;Rust&gt; &amp; Go</b>\na &lt; b &amp;&amp; c &gt; d");
    assert_eq!(sent[0].reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["callback_data"], "start");
}

#[tokio::test]
async fn unescaped_html_a_blocked_bot_and_a_wrong_token_are_permanent_failures() {
    let fake = FakeTelegram::start().await;
    let tg = Telegram::new(&fake.url, &fake.token).unwrap();
    let e = tg.send_message(1, "a < b", &[]).await.unwrap_err();
    assert!(matches!(e, SendError::Permanent(ref m) if m.contains("can't parse entities")), "{e:?}");
    fake.block(2);
    let e = tg.send_message(2, "привет", &[]).await.unwrap_err();
    assert!(matches!(e, SendError::Permanent(ref m) if m.contains("blocked")), "{e:?}");
    let wrong = Telegram::new(&fake.url, "999:wrong").unwrap();
    assert!(matches!(wrong.send_message(3, "x", &[]).await.unwrap_err(), SendError::Permanent(_)));
    assert!(fake.sent().is_empty());
}

#[tokio::test]
async fn messages_to_one_chat_are_spaced_a_second_apart_but_other_chats_are_not_held_up() {
    let fake = FakeTelegram::start().await;
    let tg = Telegram::new(&fake.url, &fake.token).unwrap();
    let t0 = std::time::Instant::now();
    tg.send_message(7, "one", &[]).await.unwrap();
    tg.send_message(8, "other chat", &[]).await.unwrap();
    assert!(t0.elapsed() < Duration::from_millis(500), "another chat waited {:?}", t0.elapsed());
    tg.send_message(7, "two", &[]).await.unwrap();
    assert!(t0.elapsed() >= Duration::from_millis(950), "the second message to a chat came after {:?}", t0.elapsed());
}

#[tokio::test]
async fn long_polling_reads_queued_updates_and_moves_past_them() {
    let fake = FakeTelegram::start().await;
    let tg = Telegram::new(&fake.url, &fake.token).unwrap();
    fake.push_update(FakeTelegram::text_update(5, "/start abc"));
    fake.push_update(serde_json::json!({"edited_message": {"weird": true}}));
    let ups = tg.get_updates(0, 0).await.unwrap();
    assert_eq!(ups.len(), 2, "an update of a kind we do not handle still moves the offset");
    assert_eq!(ups[0].message.as_ref().unwrap().text.as_deref(), Some("/start abc"));
    let next = ups.last().unwrap().update_id + 1;
    assert!(tg.get_updates(next, 0).await.unwrap().is_empty());
}
