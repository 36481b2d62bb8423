//! Telegram: staff link their account to the bot from their profile, and a candidate opens
//! the bot from the invitation, each with a one-time code in the `/start` deep link. Updates
//! arrive by webhook in the cloud (the secret header checked) or by long polling on one
//! machine; a candidate may take the same interview in the bot (consent first, one question
//! a message, answers as messages), which is the same interview record as in the browser.

use crate::error::AppResult;
use crate::interview::{ConsentRequest, InterviewView};
use crate::notify::telegram_of_key;
use crate::state::AppState;
use crate::telegram_codes::{self, Code};
use otbor_domain::Lang;
use otbor_domain::ids::{CandidateId, UserId};
use otbor_domain::interview::Channel;
use otbor_domain::notify::Recipient;
use otbor_domain::secret::TokenHash;
use otbor_notify::telegram::{InlineButton, Telegram, Update};
use otbor_notify::templates::telegram_escape;
use serde::{Deserialize, Serialize};



const CONSENT: &str = "consent";


/// Who a chat belongs to.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ChatOwner {
    Staff { user_id: UserId },
    Candidate { candidate_id: CandidateId, invite: TokenHash },
}


fn chat_key(chat: i64) -> String {
    format!("tgchat/{chat}")
}



/// Long polling, for one machine without a public URL; runs until `stop` turns true.
pub async fn poll(st: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let Some(tg) = st.channels.telegram.clone() else { return };
    let mut offset = 0i64;
    tracing::info!("reading Telegram updates by long polling");
    while !*stop.borrow() {
        let updates = tokio::select! {
            r = tg.get_updates(offset, 25) => r,
            _ = stop.changed() => break,
        };
        match updates {
            Ok(updates) => {
                for u in updates {
                    offset = offset.max(u.update_id + 1);
                    handle_update(&st, &tg, &u).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading Telegram updates failed; trying again shortly");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        }
    }
}

fn lang_of(code: Option<&str>) -> Lang {
    match code {
        Some(c) if c.starts_with("en") => Lang::En,
        _ => Lang::Ru,
    }
}

/// Handles one update; never fails (what goes wrong is logged and told to the person).
pub async fn handle_update(st: &AppState, tg: &Telegram, u: &Update) {
    if let Err(e) = try_handle(st, tg, u).await {
        tracing::warn!(update_id = u.update_id, error = %e, "a Telegram update could not be handled");
    }
}

async fn say(tg: &Telegram, chat: i64, text: &str) -> anyhow::Result<()> {
    tg.send_message(chat, &telegram_escape(text), &[]).await.map(|_| ()).map_err(|e| anyhow::anyhow!("{e}"))
}

async fn try_handle(st: &AppState, tg: &Telegram, u: &Update) -> anyhow::Result<()> {
    if let Some(q) = &u.callback_query {
        let lang = lang_of(q.from.language_code.as_deref());
        let chat = q.message.as_ref().map(|m| m.chat.id).unwrap_or(q.from.id);
        tg.answer_callback_query(&q.id, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        if q.data.as_deref() == Some(CONSENT) {
            return consent_and_start(st, tg, chat, lang).await;
        }
        return Ok(());
    }
    let Some(m) = &u.message else { return Ok(()) };
    let chat = m.chat.id;
    let lang = lang_of(m.from.as_ref().and_then(|f| f.language_code.as_deref()));
    let Some(text) = m.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return say(tg, chat, lang.pick("Я понимаю только текстовые сообщения.", "I only understand text messages.").as_str()).await;
    };
    if let Some(rest) = text.strip_prefix("/start") {
        return start(st, tg, chat, rest.trim(), lang).await;
    }
    let owner = st.records.get_entry(&chat_key(chat)).await?.and_then(|v| serde_json::from_value::<ChatOwner>(v).ok());
    match owner {
        None => {
            say(tg, chat, &lang.pick(
                "Этот чат не связан с Otbor. Откройте ссылку на бота из письма-приглашения или из профиля в Otbor.",
                "This chat is not linked to Otbor. Open the bot link from your invitation email or from your Otbor profile.",
            ))
            .await
        }
        Some(ChatOwner::Staff { .. }) => {
            say(tg, chat, &lang.pick("Уведомления Otbor приходят сюда. Настроить их можно в профиле.", "Otbor notifications arrive here. You can change them in your profile.")).await
        }
        Some(ChatOwner::Candidate { invite, .. }) => {
            if text == "/finish" {
                let view = crate::interview::finish_interview_by(st, &invite).await;
                return reply_with(tg, chat, view, lang).await;
            }
            let view = crate::interview::answer_by(st, &invite, text).await;
            reply_with(tg, chat, view, lang).await
        }
    }
}

async fn start(st: &AppState, tg: &Telegram, chat: i64, code: &str, lang: Lang) -> anyhow::Result<()> {
    let Some(doc) = telegram_codes::redeem(st, code).await? else {
        return say(tg, chat, &lang.pick(
            "Ссылка не подошла: она устарела или уже использована. Попросите новую у рекрутера или в профиле Otbor.",
            "This link did not work: it has expired or was used already. Ask your recruiter for a new one, or make one in your Otbor profile.",
        ))
        .await;
    };
    let now = st.clock.now();
    match doc {
        Code::Staff { user_id, expires_at } => {
            if expires_at <= now {
                return say(tg, chat, &lang.pick("Ссылка устарела: получите новую в профиле Otbor.", "The link has expired: make a new one in your Otbor profile.")).await;
            }
            bind(st, Recipient::User(user_id), chat, &ChatOwner::Staff { user_id }).await?;
            say(tg, chat, &lang.pick("Готово: уведомления Otbor будут приходить в этот чат.", "Done: Otbor notifications will arrive in this chat.")).await
        }
        Code::Candidate { candidate_id, invite, expires_at } => {
            if expires_at <= now {
                return say(tg, chat, &lang.pick("Срок приглашения истёк. Свяжитесь с рекрутером.", "The invitation has expired. Please contact the recruiter.")).await;
            }
            bind(st, Recipient::Candidate(candidate_id), chat, &ChatOwner::Candidate { candidate_id, invite: invite.clone() }).await?;
            let view = crate::interview::current_by(st, &invite).await;
            match view {
                Ok(v) if v.consent_given => {
                    let view = crate::interview::start_interview_by(st, &invite, Channel::Telegram).await;
                    reply_with(tg, chat, view, lang).await
                }
                Ok(v) => {
                    let lang = v.vacancy.language;
                    let text = format!(
                        "<b>{}</b>\n\n{}",
                        telegram_escape(&format!("{} — {}", v.company, v.vacancy.title)),
                        telegram_escape(&lang.pick(
                            "Это интервью с ИИ-интервьюером: я задаю вопросы по одному, вы отвечаете сообщениями. Ваши ответы и данные обрабатываются для оценки кандидатуры; решение принимает человек. Продолжая, вы даёте согласие на обработку персональных данных. Закончить досрочно: /finish",
                            "This is an interview with an AI interviewer: I ask one question at a time and you answer in messages. Your answers and data are processed to assess your application; a person makes the decision. By continuing you consent to the processing of your personal data. To finish early: /finish",
                        )),
                    );
                    let button = InlineButton { text: lang.pick("Согласен(на), начать", "I agree, start"), url: None, callback_data: Some(CONSENT.into()) };
                    tg.send_message(chat, &text, &[vec![button]]).await.map(|_| ()).map_err(|e| anyhow::anyhow!("{e}"))
                }
                Err(e) => say(tg, chat, &e.message_in(lang)).await,
            }
        }
    }
}

async fn bind(st: &AppState, recipient: Recipient, chat: i64, owner: &ChatOwner) -> anyhow::Result<()> {
    st.records.put_entry(&telegram_of_key(&recipient), &serde_json::json!({ "chat": chat })).await?;
    st.records.put_entry(&chat_key(chat), &serde_json::to_value(owner)?).await?;
    Ok(())
}

async fn consent_and_start(st: &AppState, tg: &Telegram, chat: i64, lang: Lang) -> anyhow::Result<()> {
    let Some(ChatOwner::Candidate { invite, .. }) = st.records.get_entry(&chat_key(chat)).await?.and_then(|v| serde_json::from_value(v).ok()) else {
        return say(tg, chat, &lang.pick("Этот чат не связан с приглашением.", "This chat is not linked to an invitation.")).await;
    };
    let req = ConsentRequest { consent: true, full_name: None, email: None, phone: None };
    if let Err(e) = crate::interview::give_consent(st, &invite, &req).await {
        return say(tg, chat, &e.message_in(lang)).await;
    }
    let view = crate::interview::start_interview_by(st, &invite, Channel::Telegram).await;
    reply_with(tg, chat, view, lang).await
}

/// Sends the waiting question, or the closing words, or what went wrong.
async fn reply_with(tg: &Telegram, chat: i64, view: AppResult<InterviewView>, lang: Lang) -> anyhow::Result<()> {
    let view = match view {
        Ok(v) => v,
        Err(e) => return say(tg, chat, &e.message_in(lang)).await,
    };
    let lang = view.vacancy.language;
    match view.chat {
        Some(c) if c.finished => {
            say(tg, chat, &lang.pick(
                "Спасибо! Интервью завершено, ответы переданы команде. Мы сообщим о решении.",
                "Thank you! The interview is over and your answers are with the team. We will let you know the decision.",
            ))
            .await
        }
        Some(c) => match c.question {
            Some(q) => {
                let progress = format!("{}/{}", (c.done + 1).min(c.planned.max(1)), c.planned.max(1));
                tg.send_message(chat, &format!("<i>{}</i>\n{}", telegram_escape(&progress), telegram_escape(&q)), &[]).await.map(|_| ()).map_err(|e| anyhow::anyhow!("{e}"))
            }
            None => Ok(()),
        },
        None => say(tg, chat, &lang.pick("Интервью ещё не началось.", "The interview has not started yet.")).await,
    }
}


/// Forgets `user`'s Telegram chat, both ways.
pub async fn unlink(st: &AppState, user: UserId) -> AppResult<()> {
    if let Some(v) = st.records.take_entry(&telegram_of_key(&Recipient::User(user))).await?
        && let Some(chat) = v.get("chat").and_then(|c| c.as_i64())
    {
        st.records.take_entry(&chat_key(chat)).await?;
    }
    Ok(())
}
