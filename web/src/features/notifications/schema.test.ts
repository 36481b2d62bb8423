//! The notification shapes as the server sends them, and the preferences as the app sends them back.
import { describe, expect, it } from "vitest";
import {
  NotificationRecord,
  PreferencesView,
  preferencesUpdate,
  STAFF_EVENTS,
  TemplateList,
  UnsubscribeView,
} from "./schema";

const record = {
  key: "invitation/inv-1/c-c1/outbox",
  event: "invitation",
  recipient: { kind: "candidate", id: "c1" },
  candidate_id: "c1",
  channel: "outbox",
  address: "email: anna@example.com",
  subject: "Приглашение на интервью: Backend-разработчик",
  text: "Здравствуйте, Анна!",
  html: "<p>Здравствуйте, Анна!</p>",
  status: "sent",
  error: null,
  attempts: 1,
  created_at: "2026-11-25T10:41:17Z",
  updated_at: "2026-11-25T10:41:18Z",
};

describe("NotificationRecord", () => {
  it("reads a message from the outbox", () => {
    const m = NotificationRecord.parse(record);
    expect(m.recipient).toEqual({ kind: "candidate", id: "c1" });
    expect(m.html).toBe("<p>Здравствуйте, Анна!</p>");
  });

  it("turns the optional fields the server leaves out into null", () => {
    const { candidate_id: _c, html: _h, error: _e, ...bare } = record;
    const m = NotificationRecord.parse({ ...bare, event: "daily_digest", recipient: { kind: "user", id: "u1" }, channel: "telegram" });
    expect(m).toMatchObject({ candidate_id: null, html: null, error: null });
  });

  it("refuses an unknown status, channel, event or recipient kind", () => {
    expect(NotificationRecord.safeParse({ ...record, status: "bounced" }).success).toBe(false);
    expect(NotificationRecord.safeParse({ ...record, channel: "sms" }).success).toBe(false);
    expect(NotificationRecord.safeParse({ ...record, event: "birthday" }).success).toBe(false);
    expect(NotificationRecord.safeParse({ ...record, recipient: { kind: "robot", id: "r" } }).success).toBe(false);
  });
});

describe("preferences", () => {
  const view = {
    lang: "ru",
    channels: { interview_finished: ["email", "telegram"], upload_failed: [], daily_digest: ["telegram"] },
    telegram_linked: false,
    telegram_available: false,
    email_available: true,
  };

  it("reads the staff member's settings", () => {
    expect(PreferencesView.parse(view).channels.daily_digest).toEqual(["telegram"]);
    expect(PreferencesView.safeParse({ ...view, lang: "de" }).success).toBe(false);
  });

  it("sends every staff event, an event with no channel as an empty list, in a stable order", () => {
    const update = preferencesUpdate("en", { daily_digest: ["telegram", "email"], upload_failed: [] });
    expect(Object.keys(update.channels)).toEqual([...STAFF_EVENTS]);
    expect(update).toEqual({
      lang: "en",
      channels: {
        interview_finished: [],
        upload_failed: [],
        strong_match: [],
        awaiting_decision: [],
        daily_digest: ["email", "telegram"],
      },
    });
  });

  it("never sends the outbox as a choice", () => {
    expect(preferencesUpdate("ru", { strong_match: ["outbox", "email"] }).channels.strong_match).toEqual(["email"]);
  });
});

describe("templates and unsubscribe", () => {
  it("reads the template list", () => {
    const list = TemplateList.parse([
      {
        event: "decision",
        lang: "en",
        audience: "candidate",
        template: { subject: "About {{ vacancy }}", text: "t", html: "<p>h</p>" },
        custom: true,
        variables: ["vacancy", "candidate_name"],
      },
    ]);
    expect(list[0].custom).toBe(true);
  });

  it("reads the unsubscribe view", () => {
    expect(UnsubscribeView.parse({ email: "a***@example.com", unsubscribed: false })).toEqual({
      email: "a***@example.com",
      unsubscribed: false,
    });
  });
});
