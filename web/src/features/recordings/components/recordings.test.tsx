//! The recordings card rendered to HTML: the video with its short-lived link, chapters to seek
//! to, the transcript with the question playing highlighted, and the empty state.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { I18nProvider } from "@/lib/i18n";
import type { Recording, RecordingList } from "../schema";
import { RecordingsBody } from "./CandidateRecordings";
import { RecordingPlayer } from "./RecordingPlayer";

const html = (node: React.ReactNode) => renderToStaticMarkup(<I18nProvider>{node}</I18nProvider>);
const text = (node: React.ReactNode) => html(node).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

const recording: Recording = {
  session_id: "s1",
  started_at: "2026-11-25T10:00:00Z",
  ended_at: "2026-11-25T10:05:00Z",
  duration_ms: 300_000,
  chapters: [
    { number: 1, question: "Расскажите о последнем проекте", start_ms: 1_500, answer: "Платёжный шлюз на Rust", answer_number: 2, answer_ms: 9_000 },
    { number: 3, question: "Как вы его тестировали?", start_ms: 65_000, answer: null, answer_number: null, answer_ms: null },
  ],
  url: "/api/recordings/a1/s1/file?token=abc",
  url_expires_at: "2026-11-25T10:20:00Z",
  content_type: "video/webm",
};

const list = (recordings: Recording[]): RecordingList => ({ recordings, retention_days: 90 });

describe("a recorded session", () => {
  it("plays the file through its short-lived link, with a control bar", () => {
    const out = html(<RecordingPlayer recording={recording} />);
    expect(out).toMatch(/<video[^>]*controls=""[^>]*src="\/api\/recordings\/a1\/s1\/file\?token=abc"/);
  });

  it("lists each question as a chapter with where it starts", () => {
    const out = html(<RecordingPlayer recording={recording} />);
    const starts = [...out.matchAll(/data-testid="recording-chapter" data-start-ms="(\d+)"/g)].map((m) => Number(m[1]));
    expect(starts).toEqual([1_500, 65_000]);
    expect(text(<RecordingPlayer recording={recording} />)).toContain("0:01 Вопрос 1: Расскажите о последнем проекте");
    expect(text(<RecordingPlayer recording={recording} />)).toContain("1:05 Вопрос 2: Как вы его тестировали?");
  });

  it("highlights in the transcript the question playing at the time", () => {
    /** For each transcript item, whether it is marked as playing. */
    const marked = (ms: number) =>
      [...html(<RecordingPlayer recording={recording} initialMs={ms} />).matchAll(/<li([^>]*)data-testid="transcript-item"/g)].map((m) =>
        m[1].includes('aria-current="true"'),
      );
    expect(marked(0)).toEqual([false, false]);
    expect(marked(2_000)).toEqual([true, false]);
    expect(marked(70_000)).toEqual([false, true]);
  });

  it("shows the answers, and says when a question got none", () => {
    const out = text(<RecordingPlayer recording={recording} />);
    expect(out).toContain("Платёжный шлюз на Rust");
    expect(out).toContain("Ответа в этом сеансе нет.");
  });

  it("says the file is still being made while the session has no link", () => {
    const out = html(<RecordingPlayer recording={{ ...recording, url: null, ended_at: null }} />);
    expect(out).not.toContain("<video");
    expect(out).toContain("обрабатывается");
  });
});

describe("the recordings card", () => {
  const app = { id: "a1", vacancy_title: "Rust-разработчик" };

  it("has an empty state when no application has a recording", () => {
    const out = text(<RecordingsBody sections={[{ app, list: list([]) }, { app: { ...app, id: "a2" }, list: undefined }]} />);
    expect(out).toContain("Записи собеседований появятся здесь после первого интервью.");
  });

  it("shows every session and how long recordings are kept", () => {
    const out = text(<RecordingsBody sections={[{ app, list: list([recording, { ...recording, session_id: "s2" }]) }]} />);
    expect(html(<RecordingsBody sections={[{ app, list: list([recording]) }]} />)).toContain('data-testid="recording-video"');
    expect(out.match(/Сеанс/g)?.length).toBe(2);
    expect(out).toContain("Записи хранятся 90 дн.");
  });
});
