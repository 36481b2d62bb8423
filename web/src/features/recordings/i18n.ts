//! UI strings of the interview recordings on the candidate page (Russian first, English with
//! the same keys); spread into the main dictionaries in lib/i18n.

export const recordingsRu = {
  "rec.vacancy": "Вакансия «{title}»",
  "rec.session": "Сеанс {date} · {duration}",
  "rec.processing": "Запись ещё обрабатывается: файл появится здесь через минуту.",
  "rec.unavailable": "Файл записи недоступен; отдельные фрагменты сохранены.",
  "rec.chapters": "Вопросы",
  "rec.chaptersEmpty": "В этом сеансе вопросов не было.",
  "rec.question": "Вопрос {n}",
  "rec.transcript": "Расшифровка",
  "rec.interviewer": "Интервьюер",
  "rec.candidate": "Кандидат",
  "rec.noAnswer": "Ответа в этом сеансе нет.",
  "rec.retention": "Записи хранятся {days} дн., затем удаляются автоматически.",
  "rec.loadError": "Не удалось загрузить записи: {message}",
  "rec.videoLabel": "Запись собеседования от {date}",
  "rec.watchAnswer": "Смотреть ответ в записи с {at}",
};

export const recordingsEn: Record<keyof typeof recordingsRu, string> = {
  "rec.vacancy": "Vacancy “{title}”",
  "rec.session": "Session {date} · {duration}",
  "rec.processing": "The recording is still being processed: the file will appear here in a minute.",
  "rec.unavailable": "The recording's file is not available; its fragments are kept.",
  "rec.chapters": "Questions",
  "rec.chaptersEmpty": "No questions were asked in this session.",
  "rec.question": "Question {n}",
  "rec.transcript": "Transcript",
  "rec.interviewer": "Interviewer",
  "rec.candidate": "Candidate",
  "rec.noAnswer": "No answer in this session.",
  "rec.retention": "Recordings are kept for {days} days and then deleted automatically.",
  "rec.loadError": "Could not load the recordings: {message}",
  "rec.videoLabel": "Interview recording of {date}",
  "rec.watchAnswer": "Watch the answer in the recording from {at}",
};
