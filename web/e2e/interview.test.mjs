//! Browser end-to-end test of the chat interview and the evaluation report (issue 5): a
//! manager invites a candidate (set up through the API), the candidate consents, starts, answers,
//! reloads in the middle and resumes at the same question, finishes; the worker evaluates; the
//! manager reads the report and the transcript and decides against the recommendation, which
//! asks for a reason.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BASE, launch, login, newPage, shot, unique, apiSession } from "./helpers.mjs";

let browser;
const state = { candidateId: null, candidateName: unique("Интервью Кандидатов"), applicationId: null, link: null };


/** The turns currently shown in the chat: [speaker, text] pairs. */
async function chatTurns(page) {
  return page
    .getByTestId("chat-turn")
    .evaluateAll((els) => els.map((e) => [e.dataset.speaker, e.textContent.replace(/^(Интервьюер|Вы|Interviewer|You): /, "")]));
}

async function lastQuestion(page) {
  const turns = await chatTurns(page);
  const last = turns.at(-1);
  assert.equal(last?.[0], "interviewer", "the chat ends with a question waiting for an answer");
  return { count: turns.length, text: last[1] };
}

/** Types an answer and sends it; waits for the next question (the turn count grows by two). */
async function answer(page, text, how = "enter") {
  const before = (await chatTurns(page)).length;
  const input = page.getByTestId("chat-input");
  await input.fill(text);
  if (how === "enter") await input.press("Enter");
  else await page.getByTestId("chat-send").click();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="chat-turn"]').length >= n + 2 || !!document.querySelector('[data-testid="interview-thanks"]'),
    before,
  );
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe("Chat interview and evaluation", () => {
  test("set-up: the manager invites a new candidate to a Russian vacancy", async () => {
    const api = await apiSession("manager");
    const vacancies = await api("GET", "/api/vacancies?per_page=100");
    const me = await api("GET", "/api/auth/me");
    const vacancy = vacancies.body.items.find(
      (v) => v.language === "ru" && v.state === "open" && v.manager_id === me.body.user?.id && /Rust/.test(v.title),
    ) ?? vacancies.body.items.find((v) => v.language === "ru" && v.state === "open");
    assert.ok(vacancy, "a demo vacancy in Russian");
    const created = await api("POST", "/api/candidates", {
      full_name: state.candidateName,
      email: `iv-${Date.now().toString(36)}@example.com`,
      phone: "+79160000001",
      location: "Москва",
      source: "manual",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    state.candidateId = created.body.id;
    const invite = await api("POST", `/api/vacancies/${vacancy.id}/invites`, { candidate_id: state.candidateId });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    state.link = invite.body.url.replace(/^https?:\/\/[^/]+/, "");
    state.applicationId = invite.body.invite.application_id;
    assert.match(state.link, /^\/i\//);
  });

  test("the candidate consents, starts, answers, resumes after a reload and finishes", async () => {
    const page = await newPage(browser);
    await page.goto(state.link);
    await page.getByTestId("interview-card").waitFor();
    await page.getByText(/152-ФЗ/).waitFor();

    // No consent, no interview.
    await page.getByTestId("consent-submit").click();
    await page.locator("#iv-consent-error").waitFor();
    await shot(page, "iv-01-consent");
    await page.getByTestId("consent-checkbox").click();
    await page.getByTestId("consent-submit").click();

    await page.getByRole("button", { name: "Начать интервью" }).click();
    await page.getByTestId("chat").waitFor();
    const first = await lastQuestion(page);
    assert.equal(first.count, 1);
    const progress0 = await page.getByTestId("chat-progress").textContent();
    assert.match(progress0, /Пройдено тем: \d+ из \d+/);

    // Shift+Enter makes a new line, Enter sends.
    const input = page.getByTestId("chat-input");
    await input.fill("Работаю бэкенд-разработчиком 5 лет.");
    await input.press("Shift+Enter");
    await input.pressSequentially("Пишу на Rust сервисы заказов на tokio и axum, сократил задержку API на 40%.");
    assert.match(await input.inputValue(), /5 лет\.\nПишу на Rust/);
    const n0 = (await chatTurns(page)).length;
    await input.press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="chat-turn"]').length >= n + 2, n0);
    assert.equal(await input.inputValue(), "");

    // A short answer draws a follow-up.
    await answer(page, "Да", "click");
    await shot(page, "iv-02-chat");

    // A reload (or a dropped connection) resumes at the same question.
    const beforeReload = await lastQuestion(page);
    await page.reload();
    await page.getByTestId("chat").waitFor();
    const afterReload = await lastQuestion(page);
    assert.deepEqual(afterReload, beforeReload);
    // /start again is idempotent too: the same chat comes back.
    const again = await page.evaluate(async (link) => {
      const r = await fetch(`/api/interview/${link.split("/").pop()}/start`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      return (await r.json()).chat;
    }, state.link);
    assert.equal(again.question, afterReload.text);

    // The connection drops before the answer reaches the server: the text stays, with the error.
    const rustAnswer = "Пишу на Rust с 2020 года: сервис заказов на axum, PostgreSQL и Kafka; сам проектировал схему базы и миграции.";
    await page.route("**/api/interview/*/messages", (route) => route.abort("internetdisconnected"), { times: 1 });
    await page.getByTestId("chat-input").fill(rustAnswer);
    await page.getByTestId("chat-input").press("Enter");
    await page.locator("#chat-answer-error").waitFor();
    assert.equal(await page.getByTestId("chat-input").inputValue(), rustAnswer);
    assert.deepEqual(await lastQuestion(page), afterReload);
    await answer(page, rustAnswer);
    await page.locator("#chat-answer-error").waitFor({ state: "detached" });

    // The answer arrives but the reply is lost: the page catches up instead of sending it twice.
    const pgAnswer = "PostgreSQL использую 5 лет: ускорил отчёт по заказам с 30 секунд до 200 мс, нашёл seq scan и добавил составной индекс.";
    await page.route(
      "**/api/interview/*/messages",
      async (route) => {
        await route.fetch();
        await route.abort("connectionreset");
      },
      { times: 1 },
    );
    await answer(page, pgAnswer);
    await page.locator("#chat-answer-error").waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("chat-input").inputValue(), "");
    const mine = (await chatTurns(page)).filter(([who]) => who === "candidate").map(([, text]) => text);
    assert.equal(mine.filter((t) => t === pgAnswer).length, 1, "the answer is in the chat once");

    // On a phone the chat still fits.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    if (process.env.E2E_SCREENSHOTS) {
      // What the phone shows (a full-page shot would draw the sticky answer box mid-page).
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, "iv-03-chat-mobile.png") });
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll on a phone (${overflow}px)`);
    await page.setViewportSize({ width: 1400, height: 900 });

    // Finishing early asks first; "keep going" keeps the chat.
    await page.getByTestId("chat-finish").click();
    await page.getByRole("alertdialog").waitFor();
    await page.getByRole("button", { name: "Продолжить интервью" }).click();
    await page.getByTestId("chat-input").waitFor();
    await page.getByTestId("chat-finish").click();
    await page.getByTestId("chat-finish-confirm").click();
    await page.getByTestId("interview-thanks").getByText("Спасибо! Мы свяжемся с вами").waitFor();
    await shot(page, "iv-04-thanks");

    // The used link says so after a reload as well.
    await page.reload();
    await page.getByTestId("interview-thanks").waitFor();
    assert.equal(await page.getByTestId("chat-input").count(), 0);

    // An expired link says so with the server's message (the server's 410, stubbed: a week is long to wait).
    await page.route("**/api/interview/expired-token", (route) =>
      route.fulfill({
        status: 410,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "expired", message: "ссылка истекла 1 декабря", field: null } }),
      }),
    );
    await page.goto("/i/expired-token");
    await page.getByTestId("interview-expired").getByText("ссылка истекла 1 декабря", { exact: false }).waitFor();
    await page.getByTestId("interview-expired").getByText("Срок действия ссылки истёк", { exact: true }).waitFor();
    await shot(page, "iv-04b-expired");

    // An unknown link.
    await page.goto("/i/not-a-real-token");
    await page.getByTestId("interview-not-found").waitFor();
    assert.deepEqual(page.consoleErrors.filter((e) => !/status of 40[14]|40[14] \(|status of 410|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|Failed to fetch|Failed to load resource/.test(e)), []);
    await page.context().close();
  });

  test("the worker evaluates: the application reaches awaiting_manager_decision", async () => {
    const api = await apiSession("manager");
    let status = null;
    for (let i = 0; i < 60; i++) {
      const r = await api("GET", `/api/applications?candidate_id=${state.candidateId}`);
      status = r.body.items.find((a) => a.id === state.applicationId)?.status;
      if (status === "awaiting_manager_decision") break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(status, "awaiting_manager_decision");
    const ev = await api("GET", `/api/applications/${state.applicationId}/evaluation`);
    assert.equal(ev.status, 200);
    state.recommendation = ev.body.evaluation.recommendation;
  });

  test("the manager reads the report and the transcript and decides against the recommendation", async () => {
    const page = await newPage(browser);
    await login(page, "manager", `/candidates/${state.candidateId}`);
    const report = page.getByTestId("eval-report");
    await report.waitFor();
    await report.getByTestId("eval-score").waitFor();
    const rec = await report.getByTestId("recommendation").getAttribute("data-value");
    assert.equal(rec, state.recommendation);
    assert.ok((await report.getByTestId("eval-rule-applied").textContent()).length > 10);
    assert.ok((await report.getByTestId("eval-requirement").count()) >= 2);

    // The transcript shows why each question was asked, follow-ups included.
    const decisions = await report.getByTestId("turn-decision").allTextContents();
    assert.ok(decisions.length >= 3, "decisions on the interviewer's turns");
    assert.ok(decisions.some((d) => /^уточнение: /.test(d)), `a follow-up with its reason: ${decisions.join(" | ")}`);

    // A quote from the interview jumps to its turn.
    const quote = report.getByTestId("interview-quote").first();
    const turn = await quote.getAttribute("data-turn");
    await quote.click();
    await report.locator(`[data-testid="transcript-turn"][data-number="${turn}"][data-highlighted]`).waitFor();
    await shot(page, "iv-05-report");

    // Against the recommendation the dialog asks for a reason; the server's answer shows on the field.
    const against = rec === "reject" ? "decision-accept" : "decision-reject";
    await report.getByTestId(against).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    if (rec !== "borderline") await dialog.locator('[data-testid="decision-hint"][data-against]').waitFor();
    await dialog.getByTestId("decision-confirm").click();
    const fieldError = dialog.locator('[id$="-error"][role="alert"]');
    await fieldError.waitFor();
    assert.ok((await fieldError.textContent()).trim().length > 0);
    assert.equal(await dialog.getByTestId("decision-reason").getAttribute("aria-invalid"), "true");
    await shot(page, "iv-06-reason-required");
    await dialog.getByTestId("decision-reason").fill("Команде сейчас нужен человек с опытом Kubernetes в продакшене.");
    await dialog.getByTestId("decision-confirm").click();
    await dialog.waitFor({ state: "detached" });
    const final = rec === "reject" ? "accepted" : "rejected";
    await page.locator(`[data-testid="evaluation"] [data-status="${final}"]`).first().waitFor();
    assert.equal(await page.getByTestId("decision-panel").count(), 0);
    await shot(page, "iv-07-decided");
    await page.context().close();
  });

  test("an English vacancy's link opens in English when the candidate has not chosen a language", async () => {
    const api = await apiSession("manager");
    const vacancies = await api("GET", "/api/vacancies?per_page=100");
    const vacancy = vacancies.body.items.find((v) => v.language === "en" && v.state === "open");
    assert.ok(vacancy, "a demo vacancy in English");
    const invite = await api("POST", `/api/vacancies/${vacancy.id}/invites`, {});
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    const openPath = invite.body.url.replace(/^https?:\/\/[^/]+/, "");
    await page.goto(openPath);
    await page.getByText(/152-FZ/).waitFor();
    await page.getByText("Please introduce yourself").or(page.getByLabel("Full name")).first().waitFor();

    // The first person to consent goes on at a link of their own...
    const name = unique("Open Link Person");
    await page.getByLabel("Full name").fill(name);
    await page.getByLabel("Email").fill(`open-${Date.now()}@example.com`);
    await page.getByTestId("consent-checkbox").click();
    await page.getByTestId("consent-submit").click();
    await page.waitForURL((url) => url.pathname.startsWith("/i/") && url.pathname !== openPath);
    await page.getByText(name, { exact: false }).first().waitFor();
    await shot(page, "open-link-own-page");

    // ...and the open link shows the next person an empty form, never the first one's details.
    const next = await context.newPage();
    await next.goto(openPath);
    await next.getByLabel("Full name").waitFor();
    assert.equal(await next.getByLabel("Full name").inputValue(), "");
    assert.equal(await next.getByText(name, { exact: false }).count(), 0);
    await context.close();
  });

  test("a recruiter sees the report but not the decision; English works", async () => {
    const page = await newPage(browser, { lang: "en" });
    await login(page, "recruiter", `/candidates/${state.candidateId}`);
    await page.getByTestId("eval-report").waitFor();
    await page.getByText("Interview transcript").waitFor();
    assert.equal(await page.getByTestId("decision-panel").count(), 0);
    await page.context().close();
  });
});
