//! Browser end-to-end test of notifications (issue 9) on a server without SMTP or Telegram: a
//! manager invites a candidate (set up through the API), the invitation lands in the outbox, the
//! admin reads it on the notifications page and in the candidate's log, previews a template and
//! sees a template error next to its field; a user's own settings explain the missing channels;
//! an unknown unsubscribe link says it was not found.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BASE, launch, login, newPage, shot, unique, apiSession } from "./helpers.mjs";

let browser;
const stamp = Date.now().toString(36);
const state = { candidateId: null, candidateName: unique("Уведомления Кандидатов"), email: `notify-${stamp}@example.com` };


/**
 * Console errors that are the app's. The helpers' init script reads localStorage in every frame,
 * and a message's HTML is shown in a `sandbox=""` frame, which has no storage: that error is the
 * test's own, and proves the frame is sandboxed.
 */
const appErrors = (page) =>
  page.consoleErrors.filter((e) => !/localStorage.*sandboxed|status of 400|Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe("Notifications", () => {
  test("set-up: a manager invites a new candidate and the invitation lands in the outbox", async () => {
    const manager = await apiSession("manager");
    const vacancies = await manager("GET", "/api/vacancies?per_page=100");
    const vacancy = vacancies.body.items.find((v) => v.language === "ru" && v.state === "open");
    assert.ok(vacancy, "a demo vacancy in Russian");
    const created = await manager("POST", "/api/candidates", {
      full_name: state.candidateName,
      email: state.email,
      phone: "+79160000003",
      location: "Казань",
      source: "manual",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    state.candidateId = created.body.id;
    const invite = await manager("POST", `/api/vacancies/${vacancy.id}/invites`, { candidate_id: state.candidateId });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));

    // The message is a job on the queue: wait for the worker to put it in the outbox.
    const admin = await apiSession("admin");
    let found = null;
    for (let i = 0; i < 60 && !found; i++) {
      const list = await admin("GET", "/api/notifications?channel=outbox&per_page=100");
      assert.equal(list.status, 200);
      found = list.body.items.find((m) => m.event === "invitation" && m.address.includes(state.email));
      if (!found) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(found, "the invitation in the outbox");
    assert.equal(found.status, "sent");
  });

  test("the admin reads the invitation in the outbox, rendered in a sandboxed frame", async () => {
    const page = await newPage(browser);
    await login(page, "admin");
    await page.getByRole("link", { name: "Уведомления", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/notifications", { waitUntil: "commit" });
    const row = page.getByTestId("outbox-row").filter({ hasText: state.email });
    await row.waitFor();
    await row.getByText("Приглашение на интервью", { exact: true }).waitFor();
    await row.getByText("В исходящих").waitFor();
    await shot(page, "nt-01-outbox");

    // The channel filter asks the server again; the outbox keeps the row.
    await page.getByTestId("outbox-channel").click();
    await page.getByRole("option", { name: "Исходящие" }).click();
    await row.waitFor();

    await row.click();
    const dialog = page.getByTestId("message-dialog");
    await dialog.waitFor();
    const subject = await dialog.getByTestId("message-subject").textContent();
    assert.match(subject, /Приглашение на интервью/);
    assert.match(await dialog.getByTestId("message-address").textContent(), new RegExp(state.email.replace(/[.]/g, "\\.")));
    const frame = dialog.getByTestId("message-html");
    assert.equal(await frame.getAttribute("sandbox"), "");
    const inner = page.frameLocator('[data-testid="message-dialog"] iframe');
    await inner.getByText(/Здравствуйте, Уведомления Кандидатов/).waitFor();
    await inner.getByRole("link", { name: "Начать интервью" }).waitFor();
    assert.match(await dialog.getByTestId("message-text").textContent(), /\/i\/[0-9a-f]{16,}/);
    await shot(page, "nt-02-message");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.deepEqual(appErrors(page), []);
    await page.context().close();
  });

  test("the candidate page lists what was sent to the candidate", async () => {
    assert.ok(state.candidateId, "needs the candidate from the set-up");
    const page = await newPage(browser);
    await login(page, "recruiter", `/candidates/${state.candidateId}`);
    const card = page.getByTestId("candidate-notifications");
    const item = card.getByTestId("candidate-notification").filter({ hasText: "Приглашение на интервью" });
    await item.waitFor();
    await item.getByText("Исходящие").waitFor();
    await item.click();
    await page.getByTestId("message-dialog").getByTestId("message-subject").waitFor();
    await shot(page, "nt-03-candidate-log");
    await page.context().close();
  });

  test("the admin previews a template and sees an unknown variable named next to the subject", async () => {
    const page = await newPage(browser);
    await login(page, "admin", "/notifications");
    await page.getByTestId("tab-templates").click();
    await page.waitForURL(/\/notifications\?tab=templates$/, { waitUntil: "commit" });
    await page.getByTestId("template-title").getByText("Приглашение на интервью").waitFor();
    const preview = page.getByTestId("template-preview");
    await preview.getByTestId("preview-subject").waitFor();
    assert.match(await preview.getByTestId("preview-subject").textContent(), /^Приглашение на интервью: /);
    await page.frameLocator('[data-testid="template-preview"] iframe').getByText(/Здравствуйте/).waitFor();
    await page.getByTestId("template-variables").getByText("{{ candidate_name }}").waitFor();
    await shot(page, "nt-04-templates");

    // A typo in a variable: the server's preview refuses it, and says so under the subject.
    await page.locator("#tpl-subject").fill("Приглашение: {{ vacncy }}");
    await page.locator("#tpl-subject-error").getByText(/vacncy/).waitFor();
    assert.equal(await page.locator("#tpl-subject").getAttribute("aria-invalid"), "true");
    await preview.getByTestId("preview-error").waitFor();
    assert.equal(await page.getByTestId("template-save").isDisabled(), true);
    await shot(page, "nt-05-template-error");

    // The English template of another event: a preview of its own, in English.
    await page.getByTestId("template-event").filter({ hasText: "Ежедневная сводка" }).click();
    await page.getByTestId("template-lang-en").click();
    await preview.getByTestId("preview-subject").filter({ hasText: /[A-Za-z]/ }).waitFor();
    await page.context().close();
  });

  test("a user's own settings explain the missing channels and that Telegram cannot be linked", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.getByTestId("my-notifications-link").click();
    await page.waitForURL((u) => u.pathname === "/settings/notifications", { waitUntil: "commit" });
    const grid = page.getByTestId("my-notifications-grid");
    await grid.waitFor();
    await page.getByText(/нет SMTP/).waitFor();
    assert.equal(await page.getByTestId("telegram-link").isDisabled(), true);
    await page.getByText(/Telegram-бот в этой установке не настроен/).waitFor();

    const box = page.getByTestId("pref-daily_digest-email");
    const before = await box.getAttribute("data-state");
    await box.click();
    await page.getByTestId("my-notifications-save").click();
    await page.getByText("Настройки уведомлений сохранены").waitFor();
    await shot(page, "nt-06-my-notifications");
    await page.reload();
    await page.getByTestId("my-notifications-grid").waitFor();
    assert.notEqual(await page.getByTestId("pref-daily_digest-email").getAttribute("data-state"), before);
    await page.context().close();
  });

  test("an unknown unsubscribe link says it was not found, without a login", async () => {
    const page = await newPage(browser);
    await page.goto(`/unsubscribe/${"0".repeat(64)}`);
    await page.getByTestId("unsubscribe-not-found").waitFor();
    await page.getByText("Ссылка для отписки не найдена").waitFor();
    assert.equal(new URL(page.url()).pathname, `/unsubscribe/${"0".repeat(64)}`);
    await shot(page, "nt-07-unsubscribe-unknown");
    await page.context().close();
  });
});
