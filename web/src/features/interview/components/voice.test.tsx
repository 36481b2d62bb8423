//! What the candidate sees in each state of the voice interview, rendered to HTML: the device
//! check and its help, the choice of format, the call (live, reconnecting, busy, taken over,
//! finished), and the consent's recording sentence with Russian plural forms.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { I18nProvider, translateCount } from "@/lib/i18n";
import type { CallSnapshot } from "../voice/session";
import type { LocalMedia } from "../voice/useLocalMedia";
import type { VoiceCall } from "../voice/useVoiceCall";
import { DeviceCheck } from "./DeviceCheck";
import { RecordingNotice } from "./InterviewPage";
import { ModeChoice } from "./ModeChoice";
import { formatElapsed, VoiceCallView } from "./VoiceCall";

const html = (node: React.ReactNode) => renderToStaticMarkup(<I18nProvider>{node}</I18nProvider>);
/** The visible text, tags dropped and whitespace collapsed. */
const text = (node: React.ReactNode) => html(node).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

/** The opening tag of the element with this test id. */
const tag = (out: string, testId: string) => out.match(new RegExp(`<[a-z]+[^>]*data-testid="${testId}"[^>]*>`))?.[0] ?? "";
const isDisabled = (out: string, testId: string) => /\sdisabled=""/.test(tag(out, testId));

const NOW = Date.parse("2026-11-25T10:00:00Z");

function snapshot(patch: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    phase: "live",
    problem: null,
    ai: "listening",
    turns: [
      { number: 1, speaker: "interviewer", text: "Расскажите о последнем проекте" },
      { number: 2, speaker: "candidate", text: "Платёжный шлюз на Rust" },
      { number: 3, speaker: "interviewer", text: "Как вы его тестировали?" },
    ],
    pending: [],
    done: 2,
    planned: 6,
    notice: null,
    connectedAt: NOW - 125_000,
    remoteStream: null,
    channelOpen: true,
    muted: false,
    attempt: 0,
    ...patch,
  };
}

const call = (patch: Partial<CallSnapshot> = {}): VoiceCall => ({
  snapshot: snapshot(patch),
  sendText: vi.fn(() => true),
  finish: vi.fn(),
  retryNow: vi.fn(),
  setMuted: vi.fn(),
});

const view = (patch: Partial<CallSnapshot> = {}) =>
  <VoiceCallView call={call(patch)} stream={null} now={NOW} title="Инженер по тестированию" onChat={() => undefined} />;

describe("the call", () => {
  it("shows the interviewer listening, the elapsed time, progress and the transcript", () => {
    const out = text(view());
    expect(out).toContain("Слушаю вас");
    expect(out).toContain("02:05");
    expect(out).toContain("Пройдено тем: 2 из 6");
    expect(out).toContain("Расскажите о последнем проекте");
    expect(out).toContain("Платёжный шлюз на Rust");
    expect(out).toContain("Завершить интервью");
    expect(out).not.toContain("Переподключение");
    expect(html(view())).toMatch(/data-testid="ai-state" data-state="listening"/);
  });

  it.each([
    ["thinking", "Обдумываю ответ…"],
    ["speaking", "Интервьюер говорит"],
  ] as const)("names the %s state in words", (ai, label) => {
    expect(text(view({ ai }))).toContain(label);
  });

  it("shows a reconnecting banner and holds typed answers until the connection is back", () => {
    const out = html(view({ phase: "reconnecting", channelOpen: false }));
    expect(out).toContain('data-testid="reconnecting"');
    expect(tag(out, "reconnecting")).toContain('role="status"');
    expect(text(view({ phase: "reconnecting", channelOpen: false }))).toContain("Ответ можно будет отправить, когда связь восстановится");
    expect(isDisabled(out, "voice-answer-send")).toBe(true);
    expect(isDisabled(html(view()), "voice-answer-send")).toBe(false);
  });

  it("shows a typed answer as pending until the server takes it", () => {
    expect(text(view({ pending: ["Отвечу текстом"] }))).toContain("Отвечу текстом");
  });

  it("says when the microphone is muted", () => {
    const out = html(view({ muted: true }));
    expect(out).toContain('data-testid="muted-warning"');
    expect(tag(out, "call-mute")).toContain('aria-pressed="true"');
  });

  it("says when the microphone or camera was disconnected during the call", () => {
    const out = html(<VoiceCallView call={call()} stream={null} now={NOW} lost={["audio"]} title="QA" onChat={() => undefined} />);
    expect(out).toContain('data-testid="lost-audio"');
    expect(out).not.toContain('data-testid="lost-video"');
  });

  it("counts down to the next try when the worker is full, and offers the chat", () => {
    const out = text(view({ phase: "busy", problem: { kind: "busy", message: "Все линии заняты", retryAt: NOW + 12_000 } }));
    expect(out).toContain("Сейчас все интервьюеры заняты");
    expect(out).toContain("Все линии заняты");
    expect(out).toContain("через 12 секунд");
    expect(out).toContain("Пройти в текстовом чате");
  });

  it("says the interview continued elsewhere, without a way to reconnect here", () => {
    const out = html(view({ phase: "failed", problem: { kind: "taken_over", message: "" } }));
    expect(out).toContain('data-testid="call-taken-over"');
    expect(text(view({ phase: "failed", problem: { kind: "taken_over", message: "" } }))).toContain("Интервью продолжается в другом окне");
    expect(out).not.toContain("call-retry");
    expect(out).not.toContain("self-video");
  });

  it("offers to reconnect or switch to the chat after a lost connection", () => {
    const out = html(view({ phase: "failed", problem: { kind: "network", message: "" } }));
    expect(out).toContain('data-testid="call-retry"');
    expect(out).toContain('data-testid="call-use-chat"');
  });

  it("thanks the candidate at the end", () => {
    const out = html(view({ phase: "finished" }));
    expect(out).toContain('data-testid="interview-thanks"');
    expect(text(view({ phase: "finished" }))).toContain("Спасибо! Мы свяжемся с вами");
  });
});

function media(patch: Partial<LocalMedia> = {}): LocalMedia {
  return {
    status: "ready",
    problem: null,
    stream: { getTracks: () => [], getAudioTracks: () => [] } as unknown as MediaStream,
    devices: { audio: [], video: [] },
    choice: {},
    retry: vi.fn(),
    choose: vi.fn(),
    release: vi.fn(),
    ...patch,
  };
}

const device = (id: string, kind: MediaDeviceKind, label: string) => ({ deviceId: id, kind, label, groupId: "" }) as MediaDeviceInfo;
const check = (m: LocalMedia, resuming = false) => <DeviceCheck media={m} resuming={resuming} onStart={() => undefined} onChat={() => undefined} />;

describe("the device check", () => {
  it("shows the preview, the level meter, the sound test and the start button", () => {
    const out = html(check(media()));
    expect(out).toContain('data-testid="self-video"');
    expect(out).toMatch(/role="meter"[^>]*aria-label="Уровень звука микрофона"/);
    expect(text(check(media()))).toContain("Проверить звук");
    expect(tag(out, "start-call")).not.toBe("");
    expect(isDisabled(out, "start-call")).toBe(false);
  });

  it("says continue rather than start when resuming", () => {
    expect(text(check(media(), true))).toContain("Продолжить интервью");
  });

  it("waits for permission before the call can start", () => {
    const m = media({ status: "asking", stream: null });
    expect(text(check(m))).toContain("Разрешите его в окне браузера");
    expect(isDisabled(html(check(m)), "start-call")).toBe(true);
  });

  it("explains how to allow access when it was denied", () => {
    const m = media({ status: "failed", problem: "denied", stream: null });
    const out = text(check(m));
    expect(out).toContain("Нет доступа к камере и микрофону");
    expect(out).toContain("адресной строке");
    expect(out).toContain("Проверить снова");
    expect(out).toContain("Пройти в текстовом чате");
    expect(html(check(m))).not.toContain("start-call");
  });

  it("names the missing device", () => {
    const m = media({ status: "failed", problem: "not_found", stream: null, devices: { audio: [device("m1", "audioinput", "Mic")], video: [] } });
    const out = text(check(m));
    expect(out).toContain("Камера или микрофон не найдены");
    expect(out).toContain("Камера не найдена");
    expect(out).not.toContain("Микрофон не найден");
  });

  it("does not offer a retry in a browser without WebRTC", () => {
    const m = media({ status: "failed", problem: "unsupported", stream: null });
    expect(text(check(m))).toContain("Браузер не поддерживает видеосвязь");
    expect(html(check(m))).not.toContain("device-retry");
  });

  it("offers a picker only when there is a choice", () => {
    const two = media({ devices: { audio: [device("m1", "audioinput", "Mic")], video: [device("c1", "videoinput", "Cam A"), device("c2", "videoinput", "Cam B")] } });
    const out = html(check(two));
    expect(out).toContain('data-testid="pick-camera"');
    expect(out).not.toContain('data-testid="pick-microphone"');
  });
});

describe("the choice of format", () => {
  it("offers the voice interview and the chat", () => {
    const out = text(<ModeChoice onVoice={() => undefined} onChat={() => undefined} />);
    expect(out).toContain("Голосовое интервью с камерой");
    expect(out).toContain("Текстовый чат");
  });

  it("offers only the chat where the browser cannot do video", () => {
    const out = html(<ModeChoice onVoice={() => undefined} onChat={() => undefined} voiceSupported={false} />);
    expect(out).not.toContain("mode-voice");
    expect(out).toContain("mode-chat");
  });
});

describe("the recording sentence of the consent", () => {
  it.each([
    [1, "1 день"],
    [3, "3 дня"],
    [30, "30 дней"],
    [21, "21 день"],
  ])("says how long recordings are kept: %i", (days, words) => {
    expect(text(<RecordingNotice days={days} />)).toContain(`хранится ${words}`);
  });

  it("speaks generally when the retention is not known", () => {
    const out = text(<RecordingNotice days={null} />);
    expect(out).toContain("записывается");
    expect(out).toContain("ограниченный срок");
  });

  it("has English forms too", () => {
    expect(translateCount("en", "voice.days", 1)).toBe("1 day");
    expect(translateCount("en", "voice.seconds", 5)).toBe("5 seconds");
    expect(translateCount("ru", "voice.seconds", 22)).toBe("22 секунды");
  });
});

describe("formatElapsed", () => {
  it("shows minutes and seconds, and hours past one", () => {
    expect(formatElapsed(0)).toBe("00:00");
    expect(formatElapsed(65_400)).toBe("01:05");
    expect(formatElapsed(3_725_000)).toBe("1:02:05");
    expect(formatElapsed(-5)).toBe("00:00");
  });
});
