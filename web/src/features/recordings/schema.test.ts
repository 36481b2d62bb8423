//! The list of recordings parses what the API returns; the chapter playing follows the time.
import { describe, expect, it } from "vitest";
import { answerMoment, type Chapter, currentChapter, formatPosition, RecordingList } from "./schema";

const chapter = (number: number, start_ms: number): Chapter => ({ number, question: `Вопрос ${number}`, start_ms, answer: null, answer_number: null, answer_ms: null });

describe("the list of recordings", () => {
  it("parses a session with chapters and a link, and one still being joined", () => {
    const list = RecordingList.parse({
      recordings: [
        {
          session_id: "s1",
          started_at: "2026-11-25T10:00:00Z",
          ended_at: "2026-11-25T10:20:00Z",
          duration_ms: 1_200_000,
          chapters: [{ ...chapter(1, 1_500), answer: "Пишу на Rust", answer_number: 2, answer_ms: 9_000 }],
          url: "/api/recordings/a/s1/file?token=x",
          url_expires_at: "2026-11-25T10:35:00Z",
          content_type: "video/webm",
        },
        { session_id: "s2", started_at: "2026-11-25T11:00:00Z", duration_ms: 0, chapters: [] },
      ],
      retention_days: 90,
    });
    expect(list.recordings[0].chapters[0].answer).toBe("Пишу на Rust");
    expect(list.recordings[1]).toMatchObject({ url: null, ended_at: null, url_expires_at: null, content_type: null });
  });

  it("refuses a recording without its session id", () => {
    expect(() => RecordingList.parse({ recordings: [{ started_at: "x", duration_ms: 0, chapters: [] }], retention_days: 90 })).toThrow();
  });
});

describe("the chapter playing", () => {
  const chapters = [chapter(1, 1_000), chapter(3, 20_000), chapter(5, 45_000)];
  it.each([
    [0, null],
    [999, null],
    [1_000, 0],
    [19_999, 0],
    [20_000, 1],
    [44_000, 1],
    [600_000, 2],
  ])("at %i ms is %s", (ms, expected) => {
    expect(currentChapter(chapters, ms)).toBe(expected);
  });
  it("is none without chapters", () => {
    expect(currentChapter([], 5_000)).toBeNull();
  });
});

describe("positions", () => {
  it.each([
    [0, "0:00"],
    [61_500, "1:01"],
    [3_725_000, "1:02:05"],
  ])("%i ms reads %s", (ms, text) => {
    expect(formatPosition(ms)).toBe(text);
  });
});

describe("the moment of an answer in the recordings", () => {
  const session = (id: string, url: string | null, chapters: Chapter[]) => ({
    session_id: id, started_at: "2026-11-25T10:00:00Z", ended_at: null, duration_ms: 60_000, chapters, url, url_expires_at: null, content_type: null,
  });
  const list = {
    retention_days: 90,
    recordings: [
      session("old", "/f/old", [{ ...chapter(1, 1_000), answer: "a", answer_number: 2, answer_ms: 5_000 }]),
      session("new", "/f/new", [{ ...chapter(3, 2_000), answer: "b", answer_number: 4, answer_ms: 8_000 }, { ...chapter(1, 30_000), answer: "c", answer_number: 2, answer_ms: 40_000 }]),
      session("joining", null, [{ ...chapter(5, 1_000), answer: "d", answer_number: 6, answer_ms: 3_000 }]),
    ],
  };
  it("is the start of the answer's question in the newest session that has it", () => {
    expect(answerMoment(list, 2)).toEqual({ sessionId: "new", ms: 30_000 });
    expect(answerMoment(list, 4)).toEqual({ sessionId: "new", ms: 2_000 });
  });
  it("is nothing for a turn no playable recording has", () => {
    expect(answerMoment(list, 6)).toBeNull();
    expect(answerMoment(list, 9)).toBeNull();
    expect(answerMoment(undefined, 2)).toBeNull();
  });
});
