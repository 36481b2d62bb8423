//! What each notification view shows in its states, rendered to HTML after the data was fetched
//! through the real queries from a mocked `fetch`: the outbox (rows, empty), a message (the
//! sandboxed HTML part, the text part, the error), the template editor (preview, an error next
//! to the part it names), the user's settings (channels, Telegram not configured or linked), the
//! candidate's log, and the unsubscribe page (the address, done, an unknown link).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api";
import { I18nProvider } from "@/lib/i18n";
import {
  candidateNotificationsQuery,
  confirmUnsubscribe,
  isTelegramNotConfigured,
  linkTelegram,
  myNotificationsQuery,
  notificationsQuery,
  previewQuery,
  resetTemplate,
  saveMyNotifications,
  saveTemplate,
  templatesQuery,
  unlinkTelegram,
  unsubscribeQuery,
} from "../api";
import { NotificationRecord, preferencesUpdate, type PreferencesView, type TemplateView } from "../schema";
import { CandidateNotifications } from "./CandidateNotifications";
import { MessageBody } from "./MessageDialog";
import { MyNotificationsPage } from "./MyNotificationsPage";
import { OutboxTab } from "./OutboxTab";
import { TemplatesTab } from "./TemplatesTab";
import { Unsubscribe } from "./UnsubscribePage";

type Route = [status: number, body?: unknown];
const fetchMock = vi.fn<(url: string, init?: RequestInit) => Promise<Response>>();
const calls = () => fetchMock.mock.calls.map(([url, init]) => `${init?.method ?? "GET"} ${url}`);

/** Answers requests by "METHOD url"; anything else fails the test. */
function serve(routes: Record<string, Route>) {
  fetchMock.mockImplementation(async (url, init) => {
    const key = `${init?.method ?? "GET"} ${url}`;
    const route = routes[key];
    if (!route) throw new Error(`unexpected request ${key}`);
    const [status, body] = route;
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  });
}

const apiError = (code: string, message: string, field: string | null = null) => ({ error: { code, message, field } });

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

/** A client that keeps an error it already has instead of refetching on render. */
const client = () => new QueryClient({ defaultOptions: { queries: { retry: false, retryOnMount: false } } });

const html = (qc: QueryClient, node: React.ReactNode) =>
  renderToStaticMarkup(
    <I18nProvider>
      <QueryClientProvider client={qc}>{node}</QueryClientProvider>
    </I18nProvider>,
  );
/** The visible text, tags dropped and whitespace collapsed. */
const text = (markup: string) => markup.replace(/<[^>]+>/g, " ").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/\s+/g, " ");

const invitation = {
  key: "invitation/i1/c-c1/outbox",
  event: "invitation",
  recipient: { kind: "candidate", id: "c1" },
  candidate_id: "c1",
  channel: "outbox",
  address: "email: anna@example.com",
  subject: "Приглашение на интервью: Backend-разработчик",
  text: "Здравствуйте, Анна!\n\nНачать интервью: http://otbor.test/i/abc",
  html: '<p>Здравствуйте, Анна!</p><script>alert(1)</script><p><a href="http://otbor.test/i/abc">Начать интервью</a></p>',
  status: "sent",
  error: null,
  attempts: 1,
  created_at: "2026-11-25T10:41:17Z",
  updated_at: "2026-11-25T10:41:17Z",
};
const failed = {
  ...invitation,
  key: "decision/a1/c-c1/email",
  event: "decision",
  channel: "email",
  address: "anna@example.com",
  subject: "Решение по вакансии",
  html: null,
  status: "failed",
  error: "550 mailbox unavailable",
  attempts: 5,
  created_at: "2026-11-26T09:00:00Z",
};

describe("the outbox", () => {
  it("lists every message with its event, recipient, channel, status and attempts", async () => {
    serve({
      "GET /api/notifications?page=1&per_page=25": [200, { items: [failed, invitation], total: 2, page: 1, per_page: 25 }],
    });
    const qc = client();
    await qc.prefetchQuery(notificationsQuery(null, 1));
    const out = html(qc, <OutboxTab />);
    expect(out.match(/data-testid="outbox-row"/g)).toHaveLength(2);
    const shown = text(out);
    expect(shown).toContain("2 сообщения");
    expect(shown).toContain("Приглашение на интервью");
    expect(shown).toContain("Решение по кандидату");
    expect(shown).toContain("email: anna@example.com");
    expect(shown).toContain("В исходящих");
    expect(shown).toContain("Ошибка");
    expect(shown).toContain("550 mailbox unavailable");
    expect(out).toMatch(/data-status="failed"/);
  });

  it("asks for one channel and explains the outbox when there is nothing yet", async () => {
    serve({ "GET /api/notifications?channel=outbox&page=2&per_page=25": [200, { items: [], total: 0, page: 2, per_page: 25 }] });
    const qc = client();
    await qc.prefetchQuery(notificationsQuery("outbox", 2));
    expect(calls()).toEqual(["GET /api/notifications?channel=outbox&page=2&per_page=25"]);
    // The tab starts on all channels, page 1; its empty state is what this query's data shows.
    qc.setQueryData(notificationsQuery(null, 1).queryKey, qc.getQueryData(notificationsQuery("outbox", 2).queryKey));
    const shown = text(html(qc, <OutboxTab />));
    expect(shown).toContain("Сообщений пока нет");
    expect(shown).toContain("SMTP");
    expect(shown).toContain("Telegram");
  });
});

describe("a message", () => {
  it("shows the HTML part in a frame that runs no scripts, and the text part", () => {
    const out = html(client(), <MessageBody message={NotificationRecord.parse(invitation)} />);
    expect(out).toMatch(/<iframe[^>]*sandbox=""/);
    // The HTML travels inside srcdoc, escaped, never as markup of the page itself.
    expect(out).not.toContain("<script>alert(1)</script>");
    expect(out).toMatch(/srcDoc="[^"]*&lt;p&gt;Здравствуйте, Анна!/i);
    expect(text(out)).toContain("Начать интервью: http://otbor.test/i/abc");
    expect(text(out)).toContain("1 попытка");
  });

  it("says why delivery failed and that there is no HTML part", () => {
    const shown = text(html(client(), <MessageBody message={NotificationRecord.parse(failed)} />));
    expect(shown).toContain("Ошибка доставки");
    expect(shown).toContain("550 mailbox unavailable");
    expect(shown).toContain("нет HTML-версии");
    expect(shown).toContain("5 попыток");
  });
});

const templates: TemplateView[] = (["ru", "en"] as const).map((lang) => ({
  event: "invitation",
  lang,
  audience: "candidate",
  template: { subject: "Приглашение: {{ vacancy }}", text: "Здравствуйте, {{ candidate_name }}!", html: "<p>{{ link }}</p>" },
  custom: lang === "ru",
  variables: ["candidate_name", "link", "vacancy"],
}));
const PREVIEW = "POST /api/notification-templates/invitation/ru/preview";

describe("the template editor", () => {
  async function editor(preview: Route) {
    serve({ "GET /api/notification-templates": [200, templates], [PREVIEW]: preview });
    const qc = client();
    await qc.prefetchQuery(templatesQuery());
    await qc.prefetchQuery(previewQuery("invitation", "ru", templates[0].template));
    return html(qc, <TemplatesTab canEdit />);
  }

  it("shows the template, its variables and the preview with example values", async () => {
    const out = await editor([200, { subject: "Приглашение: Инженер", text: "Здравствуйте, Анна!", html: "<p>https://otbor.test/i/x</p>" }]);
    const shown = text(out);
    expect(shown).toContain("{{ candidate_name }}");
    expect(shown).toContain("Изменён");
    expect(out).toContain('data-testid="preview-subject">Приглашение: Инженер<');
    expect(out).toMatch(/<iframe[^>]*sandbox=""/);
    expect(out).toMatch(/data-testid="template-reset"(?![^>]*disabled)/);
    const body = JSON.parse(String(fetchMock.mock.calls.find(([u]) => u.endsWith("/preview"))?.[1]?.body));
    expect(body).toEqual(templates[0].template);
  });

  it("shows the server's error next to the part it names", async () => {
    const out = await editor([400, apiError("template_invalid", "шаблон не заполняется (subject): uses `vacncy`", "subject")]);
    expect(out).toMatch(/id="tpl-subject-error"[^>]*>шаблон не заполняется \(subject\)/);
    expect(out).not.toContain('id="tpl-text-error"');
    expect(out).toMatch(/id="tpl-subject"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="tpl-subject"/);
    expect(text(out)).toContain("Шаблон не заполняется");
    expect(out).toMatch(/<button[^>]*disabled=""[^>]*data-testid="template-save"/);
  });

  it("lets only an administrator save", async () => {
    serve({ "GET /api/notification-templates": [200, templates] });
    const qc = client();
    await qc.prefetchQuery(templatesQuery());
    const out = html(qc, <TemplatesTab canEdit={false} />);
    expect(out).not.toContain('data-testid="template-save"');
    expect(text(out)).toContain("Изменять шаблоны может только администратор");
  });

  it("saves, resets and previews at the template's own address", async () => {
    const view = { ...templates[1], event: "decision" };
    serve({
      "PUT /api/notification-templates/decision/en": [200, view],
      "DELETE /api/notification-templates/decision/en": [200, { ...view, custom: false }],
    });
    expect((await saveTemplate("decision", "en", view.template)).custom).toBe(false);
    expect((await resetTemplate("decision", "en")).event).toBe("decision");
    expect(calls()).toEqual(["PUT /api/notification-templates/decision/en", "DELETE /api/notification-templates/decision/en"]);
  });
});

const prefs: PreferencesView = {
  lang: "ru",
  channels: {
    interview_finished: ["email", "telegram"],
    upload_failed: [],
    strong_match: ["email"],
    awaiting_decision: ["email", "telegram"],
    daily_digest: ["telegram"],
  },
  telegram_linked: false,
  telegram_available: false,
  email_available: false,
};

describe("my notifications", () => {
  async function page(view: PreferencesView) {
    serve({ "GET /api/me/notifications": [200, view] });
    const qc = client();
    await qc.prefetchQuery(myNotificationsQuery());
    return html(qc, <MyNotificationsPage />);
  }
  const state = (out: string, id: string) => out.match(new RegExp(`data-state="(\\w+)"[^>]*data-testid="${id}"|data-testid="${id}"[^>]*data-state="(\\w+)"`))?.slice(1).find(Boolean);

  it("shows each event's channels as checkboxes", async () => {
    const out = await page(prefs);
    expect(state(out, "pref-interview_finished-email")).toBe("checked");
    expect(state(out, "pref-upload_failed-email")).toBe("unchecked");
    expect(state(out, "pref-strong_match-telegram")).toBe("unchecked");
    expect(state(out, "pref-daily_digest-telegram")).toBe("checked");
    expect(text(out)).toContain("Кандидат прошёл интервью");
  });

  it("explains that without SMTP and a bot the messages land in the outbox, and cannot link Telegram", async () => {
    const out = await page(prefs);
    const shown = text(out);
    expect(shown).toContain("нет SMTP");
    expect(shown).toContain("Telegram-бот в этой установке не настроен");
    expect(out).toMatch(/<button[^>]*disabled=""[^>]*data-testid="telegram-link"|data-testid="telegram-link"[^>]*disabled=""/);
  });

  it("offers to unlink a linked Telegram", async () => {
    const out = await page({ ...prefs, telegram_available: true, telegram_linked: true, email_available: true });
    expect(out).toContain('data-testid="telegram-unlink"');
    expect(text(out)).toContain("Telegram привязан");
    expect(text(out)).not.toContain("нет SMTP");
  });

  it("saves through PUT, links and unlinks Telegram", async () => {
    serve({
      "PUT /api/me/notifications": [200, prefs],
      "POST /api/me/telegram": [200, { url: "https://t.me/otbor_bot?start=abc", expires_at: "2026-11-25T11:00:00Z" }],
      "DELETE /api/me/telegram": [204],
    });
    await saveMyNotifications(preferencesUpdate("en", prefs.channels));
    expect(JSON.parse(String(fetchMock.mock.calls[0][1]?.body)).lang).toBe("en");
    expect((await linkTelegram()).url).toBe("https://t.me/otbor_bot?start=abc");
    await unlinkTelegram();
    expect(calls()).toEqual(["PUT /api/me/notifications", "POST /api/me/telegram", "DELETE /api/me/telegram"]);
  });

  it("knows the bot is not configured from the server's answer", async () => {
    serve({ "POST /api/me/telegram": [400, apiError("telegram_not_configured", "Telegram-бот не настроен")] });
    const err = await linkTelegram().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(isTelegramNotConfigured(err)).toBe(true);
    expect(isTelegramNotConfigured(new ApiError(400, "other", "x"))).toBe(false);
  });
});

describe("the candidate's log", () => {
  it("lists the messages newest first, with the delivery error", async () => {
    serve({ "GET /api/candidates/c1/notifications": [200, [invitation, failed]] });
    const qc = client();
    await qc.prefetchQuery(candidateNotificationsQuery("c1"));
    const out = html(qc, <CandidateNotifications candidateId="c1" />);
    const shown = text(out);
    expect(shown.indexOf("Решение по кандидату")).toBeLessThan(shown.indexOf("Приглашение на интервью"));
    expect(shown).toContain("550 mailbox unavailable");
    expect(shown).toContain("Эл. почта");
  });

  it("says when nothing was sent yet", async () => {
    serve({ "GET /api/candidates/c2/notifications": [200, []] });
    const qc = client();
    await qc.prefetchQuery(candidateNotificationsQuery("c2"));
    expect(text(html(qc, <CandidateNotifications candidateId="c2" />))).toContain("Кандидату ещё ничего не отправляли");
  });
});

describe("the unsubscribe page", () => {
  const CODE = "a".repeat(64);
  async function page(route: Route) {
    serve({ [`GET /api/unsubscribe/${CODE}`]: route });
    const qc = client();
    await qc.prefetchQuery(unsubscribeQuery(CODE));
    return html(qc, <Unsubscribe code={CODE} />);
  }

  it("shows the masked address and the button", async () => {
    const out = await page([200, { email: "a***@example.com", unsubscribed: false }]);
    expect(text(out)).toContain("a***@example.com");
    expect(out).toContain('data-testid="unsubscribe-button"');
    expect(text(out)).toContain("Отписаться от писем");
  });

  it("confirms an address that already left", async () => {
    const out = await page([200, { email: "a***@example.com", unsubscribed: true }]);
    expect(out).toContain('data-testid="unsubscribe-done"');
    expect(text(out)).toContain("Вы отписались");
  });

  it("says plainly that an unknown link was not found", async () => {
    const out = await page([404, apiError("not_found", "такого адреса в API нет")]);
    expect(out).toContain('data-testid="unsubscribe-not-found"');
    expect(text(out)).toContain("Ссылка для отписки не найдена");
  });

  it("unsubscribes with a POST to the code", async () => {
    serve({ [`POST /api/unsubscribe/${CODE}`]: [200, { email: "a***@example.com", unsubscribed: true }] });
    expect((await confirmUnsubscribe(CODE)).unsubscribed).toBe(true);
  });
});
