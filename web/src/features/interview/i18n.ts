//! UI strings of the candidate's chat interview (Russian first, English with the same keys);
//! spread into the main dictionaries in lib/i18n.
import type { PluralForms } from "@/lib/i18n/plural";
import { voiceEn, voiceRu } from "./voice/i18n";

export const interviewRu = {
  ...voiceRu,
  "chat.consentLabel":
    "Я даю согласие на обработку моих персональных данных (ФИО, контакты, резюме, ответы на собеседовании) в целях отбора на вакансию в соответствии с Федеральным законом № 152-ФЗ «О персональных данных». Согласие можно отозвать, написав рекрутеру.",
  "chat.consentStored": "Согласие получено и сохранено с датой и временем.",
  "chat.starting": "Открываем собеседование…",
  "chat.log": "Переписка собеседования",
  "chat.interviewer": "Интервьюер",
  "chat.you": "Вы",
  "chat.placeholder": "Ваш ответ…",
  "chat.answerLabel": "Ваш ответ",
  "chat.hint": "Enter — отправить, Shift+Enter — новая строка",
  "chat.send": "Отправить",
  "chat.sending": "Отправляем…",
  "chat.progress": "Пройдено тем: {done} из {planned}",
  "chat.finish": "Завершить интервью",
  "chat.finishTitle": "Завершить интервью?",
  "chat.finishText": "Ответить на оставшиеся вопросы будет нельзя. Ваши ответы уже сохранены и будут переданы рекрутеру.",
  "chat.finishConfirm": "Завершить",
  "chat.finishCancel": "Продолжить интервью",
  "chat.thanks": "Спасибо! Мы свяжемся с вами",
  "chat.thanksHint": "Собеседование завершено, ваши ответы переданы рекрутеру. Эту страницу можно закрыть.",
  "chat.showLog": "Показать переписку",
  "chat.expired": "Срок действия ссылки истёк",
  "chat.expiredHint": "Попросите рекрутера прислать новую ссылку.",
  "chat.closed": "Ссылка больше не активна",
  "chat.closedHint": "Собеседование по ней уже пройдено или заявка перешла на следующий этап. Если это ошибка, напишите рекрутеру.",
  "chat.empty": "Напишите ответ, прежде чем отправлять",
} as const;

export const interviewEn: { [K in keyof typeof interviewRu]: (typeof interviewRu)[K] extends string ? string : PluralForms } = {
  ...voiceEn,
  "chat.consentLabel":
    "I consent to the processing of my personal data (name, contacts, resume, interview answers) for the purpose of selection for this vacancy under Federal Law No. 152-FZ “On Personal Data”. I can withdraw this consent by writing to the recruiter.",
  "chat.consentStored": "Consent received and stored with its date and time.",
  "chat.starting": "Opening the interview…",
  "chat.log": "Interview chat",
  "chat.interviewer": "Interviewer",
  "chat.you": "You",
  "chat.placeholder": "Your answer…",
  "chat.answerLabel": "Your answer",
  "chat.hint": "Enter to send, Shift+Enter for a new line",
  "chat.send": "Send",
  "chat.sending": "Sending…",
  "chat.progress": "Topics covered: {done} of {planned}",
  "chat.finish": "Finish the interview",
  "chat.finishTitle": "Finish the interview?",
  "chat.finishText": "You will not be able to answer the remaining questions. Your answers are saved and will go to the recruiter.",
  "chat.finishConfirm": "Finish",
  "chat.finishCancel": "Keep going",
  "chat.thanks": "Thank you! We will be in touch",
  "chat.thanksHint": "The interview is over and your answers have gone to the recruiter. You can close this page.",
  "chat.showLog": "Show the chat",
  "chat.expired": "This link has expired",
  "chat.expiredHint": "Ask the recruiter to send you a new one.",
  "chat.closed": "This link is no longer active",
  "chat.closedHint": "The interview has already been taken or the application has moved on. If this is a mistake, write to the recruiter.",
  "chat.empty": "Write an answer before sending",
};
