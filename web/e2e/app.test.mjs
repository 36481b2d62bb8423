//! Browser end-to-end tests of the Otbor web app against a real `otbor serve --demo`.
//! The tests build on each other (a vacancy, then a candidate in it, then moves), so they run in order.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BASE, choose, drag, launch, login, newPage, shot, unique } from "./helpers.mjs";

let browser;
const state = {
  vacancyTitle: unique("E2E инженер"),
  vacancyUrl: null,
  candidateName: unique("Тест Кандидатов"),
  candidateUrl: null,
  openLink: null,
};

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe("Otbor web app", () => {
  test("login and logout; a 401 sends the user to /login and back afterwards", async () => {
    const page = await newPage(browser);
    await page.goto("/vacancies?state=all");
    await page.waitForURL(/\/login\?next=/, { waitUntil: "commit" });
    assert.equal(new URL(page.url()).searchParams.get("next"), "/vacancies?state=all");
    await shot(page, "01-login");

    // A wrong password shows the server's message and stays on the page.
    await page.getByLabel("Эл. почта").fill("manager@otbor.local");
    await page.getByLabel("Пароль").fill("wrong-password");
    await page.getByRole("button", { name: "Войти" }).click();
    await page.getByRole("alert").first().waitFor();
    assert.match(page.url(), /\/login/);

    await page.getByLabel("Пароль").fill("manager-password-1");
    await page.getByRole("button", { name: "Войти" }).click();
    await page.waitForURL(/\/vacancies\?state=all$/, { waitUntil: "commit" });
    await page.getByTestId("current-role").getByText("Менеджер").waitFor();
    // The page (a lazily loaded chunk) must have loaded its data before the session goes away,
    // or its own first request gets the 401 before the click below.
    await page.getByTestId("vacancy-card").first().waitFor();
    await shot(page, "02-vacancies");

    // The session vanishes (cookies cleared): the next API call answers 401 and we go to login.
    await page.context().clearCookies();
    await page.getByRole("link", { name: "Кандидаты" }).click();
    await page.waitForURL(/\/login\?next=%2Fcandidates/, { waitUntil: "commit" });
    await page.getByLabel("Эл. почта").fill("manager@otbor.local");
    await page.getByLabel("Пароль").fill("manager-password-1");
    await page.getByRole("button", { name: "Войти" }).click();
    await page.waitForURL((u) => u.pathname === "/candidates", { waitUntil: "commit" });

    await page.getByTestId("logout").click();
    await page.waitForURL((u) => u.pathname === "/login", { waitUntil: "commit" });
    await page.goto("/candidates");
    await page.waitForURL(/\/login\?next=%2Fcandidates/, { waitUntil: "commit" });
    await page.context().close();
  });

  test("a manager creates a vacancy with requirements", async () => {
    const page = await newPage(browser);
    await login(page, "manager");
    await page.goto("/vacancies");
    await page.getByTestId("vacancy-card").first().waitFor();
    await shot(page, "03-vacancies-list");
    await page.getByTestId("new-vacancy").click();
    await page.waitForURL(/\/vacancies\/new/, { waitUntil: "commit" });

    // Saving an empty form shows field errors next to the fields.
    await page.getByTestId("save-vacancy").click();
    await page.locator("#vac-title-error").waitFor();

    await page.getByLabel("Название").fill(state.vacancyTitle);
    await page.getByLabel("Описание").fill("Разработка бэкенда на Rust.\nКоманда из пяти человек.");
    await page.getByLabel("Город").fill("Москва");
    await page.getByLabel("Минимальный опыт, лет").fill("2");
    await page.getByLabel("Можно удалённо").check();
    await page.getByLabel("Требование 1", { exact: true }).fill("Rust");
    await page.getByLabel("Вес (1–10)").first().fill("9");
    await page.getByLabel("Мин. лет").first().fill("2");
    await page.getByTestId("add-requirement").click();
    await page.getByLabel("Требование 2", { exact: true }).fill("PostgreSQL");
    await choose(page, page.locator("#req-1-kind"), "Желательно");
    await page.getByLabel("Вес (1–10)").nth(1).fill("4");
    await shot(page, "04-vacancy-form");
    await page.getByTestId("save-vacancy").click();

    await page.waitForURL((u) => /^\/vacancies\/[^/]+$/.test(u.pathname) && u.pathname !== "/vacancies/new", { waitUntil: "commit" });
    state.vacancyUrl = new URL(page.url()).pathname;
    await page.getByTestId("vacancy-title").getByText(state.vacancyTitle).waitFor();
    const reqs = page.getByTestId("vacancy-requirements");
    await reqs.getByText("Rust").waitFor();
    await reqs.getByText("PostgreSQL").waitFor();
    await reqs.getByText("Желательно").waitFor();
    await shot(page, "05-vacancy-page");
    await page.context().close();
  });

  test("a recruiter creates a candidate and assigns them to the vacancy", async () => {
    assert.ok(state.vacancyUrl, "needs the vacancy from the previous test");
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto("/candidates");
    await page.getByTestId("candidate-row").first().waitFor();
    await shot(page, "06-candidates-table");

    await page.getByTestId("new-candidate").click();
    const form = page.getByTestId("candidate-form");
    await form.getByLabel("Полное имя").fill(state.candidateName);
    await form.getByLabel(/Эл\. почта/).fill("e2e.candidate@example.com");
    await form.getByLabel(/Телефон/).fill("+7 (900) 123-45-67");
    await form.getByLabel(/Город/).fill("Казань");
    await form.getByLabel(/Источник/).fill("hh.ru");
    await form.getByRole("button", { name: "Сохранить" }).click();

    await page.waitForURL(/\/candidates\/[^/]+$/, { waitUntil: "commit" });
    state.candidateUrl = new URL(page.url()).pathname;
    await page.getByTestId("candidate-name").getByText(state.candidateName).waitFor();
    await page.getByTestId("candidate-contacts").getByText("+79001234567").waitFor();

    await page.getByTestId("assign").click();
    await choose(page, page.locator("#assign-vacancy"), state.vacancyTitle);
    await page.getByTestId("assign-form").getByRole("button", { name: "Назначить на вакансию" }).click();
    const app = page.getByTestId("application").filter({ hasText: state.vacancyTitle });
    await app.waitFor();
    await app.getByText("Ждём ответа").first().waitFor();
    await shot(page, "07-candidate-page");

    // The table finds the candidate by name.
    await page.goto("/candidates");
    await page.getByTestId("candidate-search").fill(state.candidateName);
    await page.getByTestId("candidate-row").filter({ hasText: state.candidateName }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="candidate-row"]').length === 1);
    await page.context().close();
  });

  test("dragging a card on the Kanban moves it; an illegal move is refused and the card returns", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    const vacancyId = state.vacancyUrl.split("/").pop();
    await page.goto(`/candidates?view=board&vacancy_id=${vacancyId}`);
    const card = () => page.getByTestId("board-card").filter({ hasText: state.candidateName });
    const column = (s) => page.getByTestId(`column-${s}`);
    await column("awaiting_response").getByText(state.candidateName).waitFor();
    await shot(page, "08-board-before");

    await drag(page, card(), column("in_interview"));
    await column("in_interview").getByText(state.candidateName).waitFor();
    // After the server confirmed, the card stays there and the counts follow.
    await page.waitForTimeout(500);
    assert.equal(await column("in_interview").getByTestId("column-count").textContent(), "1");
    assert.equal(await column("awaiting_response").getByTestId("column-count").textContent(), "0");
    await shot(page, "09-board-moved");

    // Skipping stages is not allowed: the server refuses and the card goes back.
    await drag(page, card(), column("accepted"));
    const toast = page.locator("[data-sonner-toast][data-type='error']").first();
    await toast.waitFor();
    const message = (await toast.textContent())?.trim();
    assert.ok(message && message.length > 0, "the toast shows the server's message");
    await shot(page, "10-board-refused");
    await column("in_interview").getByText(state.candidateName).waitFor();
    assert.equal(await column("accepted").getByText(state.candidateName).count(), 0);
    await page.context().close();
  });

  test("a card can be moved with the keyboard alone", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    const res = await page.request.get("/api/applications?status=awaiting_response&per_page=100");
    const app = (await res.json()).items.find((a) => a.candidate_name !== state.candidateName);
    assert.ok(app, "the demo data has an application awaiting response");
    await page.goto(`/candidates?view=board&vacancy_id=${app.vacancy_id}`);
    const card = page.locator(`[data-testid="board-card"][data-application-id="${app.id}"]`);
    await card.waitFor();
    await card.focus();
    await page.keyboard.press("Space");
    // Let the sensor measure the columns before the first arrow key.
    await page.waitForTimeout(300);
    await page.keyboard.press("ArrowRight");
    await page.waitForTimeout(300);
    await page.keyboard.press("Space");
    await page
      .getByTestId("column-in_interview")
      .locator(`[data-application-id="${app.id}"]`)
      .waitFor();
    await page.waitForTimeout(300);
    const check = await page.request.get(`/api/applications?candidate_id=${app.candidate_id}&vacancy_id=${app.vacancy_id}`);
    assert.equal((await check.json()).items[0].status, "in_interview");
    await page.context().close();
  });

  test("a board that is out of date cannot overwrite someone else's move", async () => {
    const vacancyId = state.vacancyUrl.split("/").pop();
    const url = `/candidates?view=board&vacancy_id=${vacancyId}`;
    const a = await newPage(browser);
    const b = await newPage(browser);
    await login(a, "recruiter");
    await login(b, "manager");
    for (const p of [a, b]) {
      await p.goto(url);
      await p.getByTestId("column-in_interview").getByText(state.candidateName).waitFor();
    }
    const card = (p) => p.getByTestId("board-card").filter({ hasText: state.candidateName });
    await drag(a, card(a), a.getByTestId("column-evaluation"));
    await a.getByTestId("column-evaluation").getByText(state.candidateName).waitFor();

    // B still shows the old status and version: its move is refused with 409 conflict.
    await drag(b, card(b), b.getByTestId("column-evaluation"));
    await b.locator("[data-sonner-toast][data-type='error']").first().waitFor();
    await shot(b, "10b-board-conflict");
    // After the refusal the board reloads and shows where the card really is.
    await b.getByTestId("column-evaluation").getByText(state.candidateName).waitFor();
    await a.context().close();
    await b.context().close();
  });

  test("the history timeline shows the move, who made it and when", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto(state.candidateUrl);
    const app = page.getByTestId("application").filter({ hasText: state.vacancyTitle });
    await app.getByTestId("history-timeline").waitFor();
    const entries = app.getByTestId("history-entry");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="history-entry"]').length >= 2,
    );
    const last = entries.filter({ hasText: "Ждём ответа" }).filter({ hasText: "На собеседовании" }).last();
    await last.waitFor();
    const text = await last.textContent();
    assert.match(text ?? "", /\d{2}:\d{2}/, "shows the time");
    await shot(page, "11-history");

    await page.context().close();
  });

  test("an invite link is created and copied, and the candidate gives consent on it", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto(state.vacancyUrl);
    await page.getByTestId("invite").click();
    await page.getByTestId("invite-open-tab").click();
    await page.getByTestId("create-invite").click();
    const result = page.getByTestId("invite-result");
    await result.waitFor();
    const link = await result.locator("#invite-link").inputValue();
    assert.ok(link.startsWith(`${BASE}/i/`), `full link: ${link}`);
    await result.getByTestId("invite-expiry").waitFor();
    await result.getByTestId("copy-button").click();
    await result.getByText("Скопировано").first().waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, link);
    await shot(page, "14-invite");
    state.openLink = link;
    await page.context().close();

    // The candidate: no session, only the link.
    const cand = await newPage(browser);
    await cand.goto(link);
    await cand.getByTestId("interview-vacancy").getByText(state.vacancyTitle).waitFor();
    await shot(cand, "15-interview-welcome");
    await cand.getByTestId("consent-submit").click();
    await cand.locator("#iv-consent-error").waitFor();
    await cand.getByLabel("Имя и фамилия").fill("Ольга Открытая");
    await cand.getByLabel("Эл. почта").fill("olga@example.com");
    await cand.getByLabel(/Телефон/).fill("+7 901 000 00 01");
    await cand.getByTestId("consent-checkbox").click();
    await cand.getByTestId("consent-submit").click();
    await cand.getByTestId("interview-ready").waitFor();
    await shot(cand, "16-interview-ready");

    // An unknown token says so instead of failing.
    await cand.goto("/i/not-a-real-token");
    await cand.getByTestId("interview-not-found").waitFor();
    await cand.context().close();
  });

  test("a personal invite for a candidate already moved past the interview says the link is no longer active", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto(state.vacancyUrl);
    await page.getByTestId("invite").click();
    await page.locator("#invite-search").fill(state.candidateName);
    await page.getByTestId("invite-candidate-option").filter({ hasText: state.candidateName }).click();
    await page.getByTestId("create-invite").click();
    const link = await page.getByTestId("invite-result").locator("#invite-link").inputValue();
    await page.context().close();

    const cand = await newPage(browser, { lang: "en" });
    await cand.goto(link);
    // Earlier tests moved this candidate on the board, so there is no interview left to take
    // (the consent-and-start path of a fresh candidate is in interview.test.mjs).
    await cand.getByTestId("interview-closed").waitFor();
    assert.equal(await cand.locator("#iv-name").count(), 0, "no details form on a personal link");
    assert.equal(await cand.getByTestId("start-interview").count(), 0);
    await cand.context().close();
  });

  test("rejecting asks for a reason, which then shows in the history", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto(state.candidateUrl);
    const app = page.getByTestId("application").filter({ hasText: state.vacancyTitle });
    await app.getByTestId("history-timeline").waitFor();
    // Rejecting asks for a reason, and the reason shows in the history.
    await app.getByTestId("reject").click();
    const dialog = page.getByTestId("reject-form");
    await dialog.getByRole("button", { name: "Отказать" }).click();
    await page.locator("#reject-reason-error").waitFor();
    await dialog.getByLabel("Причина").fill("Не хватает опыта с Rust");
    await shot(page, "12-reject-dialog");
    await dialog.getByRole("button", { name: "Отказать" }).click();
    await app.getByTestId("history-reason").getByText("Не хватает опыта с Rust").waitFor();
    await app.locator("[data-status='rejected']").first().waitFor();
    await shot(page, "13-rejected");
    await page.context().close();
  });

  test("the language switches to English and stays after a reload", async () => {
    const page = await newPage(browser);
    await login(page, "manager");
    await page.goto("/vacancies");
    await page.getByRole("heading", { name: "Вакансии" }).waitFor();
    await page.getByTestId("lang-en").click();
    await page.getByRole("heading", { name: "Vacancies" }).waitFor();
    await page.getByRole("link", { name: "Candidates" }).waitFor();
    await page.getByTestId("current-role").getByText("Manager").waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Vacancies" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await shot(page, "17-english");

    await page.goto(state.candidateUrl);
    await page.getByRole("heading", { name: state.candidateName }).waitFor();
    await page.getByText("Interview records", { exact: true }).waitFor();
    await shot(page, "18-candidate-english");

    // The server's field errors come in the UI language (Accept-Language) and sit by the field.
    await page.goto("/candidates");
    await page.getByTestId("new-candidate").click();
    const form = page.getByTestId("candidate-form");
    await form.getByLabel("Full name").fill("Phone Check");
    await form.getByLabel(/Phone/).fill("916 123 45 67");
    await form.getByRole("button", { name: "Save" }).click();
    const error = page.locator("#cand-phone-error");
    await error.waitFor();
    const text = (await error.textContent()) ?? "";
    assert.ok(text.length > 5 && !/[а-яё]/i.test(text), `an English message: ${text}`);
    await shot(page, "18b-server-field-error");
    await page.context().close();
  });

  test("an admin creates a user, who can then sign in", async () => {
    const page = await newPage(browser);
    await login(page, "admin");
    await page.goto("/users");
    await page.getByTestId("user-row").first().waitFor();
    // The admin also sees the jobs the queue parked (none in a fresh demo).
    await page.getByTestId("parked-jobs").getByText("Отложенных задач нет", { exact: false }).waitFor();
    const email = `e2e.${Date.now().toString(36)}@otbor.local`;
    await page.getByTestId("new-user").click();
    const form = page.getByTestId("user-form");
    await form.getByLabel("Имя").fill("Новый Менеджер");
    await form.getByLabel("Эл. почта").fill(email);
    await choose(page, form.locator("#user-role"), "Менеджер");
    await form.getByLabel("Пароль").fill("new-user-password-1");
    await shot(page, "19-create-user");
    await form.getByRole("button", { name: "Создать" }).click();
    await page.getByTestId("user-row").filter({ hasText: email }).waitFor();
    await shot(page, "20-users");
    await page.context().close();

    const other = await newPage(browser);
    await login(other, { email, password: "new-user-password-1" });
    await other.getByTestId("current-role").getByText("Менеджер").waitFor();
    // Not an admin: no Users link.
    assert.equal(await other.getByRole("link", { name: "Пользователи" }).count(), 0);
    await other.context().close();
  });

  test("uploading a vacancy file shows progress, then fills the form or shows the server's message", async () => {
    const page = await newPage(browser);
    await login(page, "manager");
    await page.goto("/vacancies");
    await page.getByTestId("upload-vacancy").click();
    await page.waitForURL(/\/vacancies\/new\?import=1/, { waitUntil: "commit" });
    // A slow uplink so that the progress bar is visible for a while.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 100 * 1024,
    });
    await page.getByTestId("vacancy-file").setInputFiles({
      name: "vacancy.txt",
      mimeType: "text/plain",
      // Large enough (about 230 KB) to take a couple of seconds on the throttled uplink.
      buffer: Buffer.from(
        `Senior Python developer\n\n${"We build analytics for a marketplace. ".repeat(6000)}\n\n` +
          "Requirements:\n- Python, 3+ years\n- SQL\n\nNice to have:\n- Kafka\n",
      ),
    });
    await page.getByTestId("upload-progress").waitFor();
    await shot(page, "04a-vacancy-uploading");
    const error = page.getByTestId("import-error");
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="import-error"]') ||
        document.querySelector("#vac-title")?.value,
    );
    if (await error.count()) {
      assert.ok(((await error.textContent()) ?? "").length > 10, "shows why the import failed");
    } else {
      assert.equal(await page.locator("#vac-title").inputValue(), "Senior Python developer");
      assert.equal(await page.getByLabel("Требование 1", { exact: true }).inputValue(), "Python, 3+ years");
      assert.equal(await page.getByTestId("requirement-row").count(), 3);
    }
    await shot(page, "04b-vacancy-import");
    await page.context().close();
  });

  test("editing a candidate saves the change and clears an emptied field", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto(state.candidateUrl);
    await page.getByTestId("edit-candidate").click();
    const form = page.getByTestId("candidate-form");
    await form.getByLabel(/Город/).fill("Нижний Новгород");
    await form.getByLabel(/Эл\. почта/).fill("");
    await form.getByRole("button", { name: "Сохранить" }).click();
    const contacts = page.getByTestId("candidate-contacts");
    await contacts.getByText("Нижний Новгород").waitFor();
    assert.equal(await contacts.getByText("e2e.candidate@example.com").count(), 0);
    await page.context().close();
  });

  test("a recruiter uploads a resume; intake creates the candidate, who is then assigned from the matches", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto("/candidates");
    await page.getByTestId("upload-resumes").click();
    const email = `resume.${Date.now().toString(36)}@example.com`;
    const resume = [
      "Пётр Резюмеев",
      `Email: ${email}`,
      // Unique per run: intake merges resumes into existing candidates by email or phone.
      `Телефон: +7 916 ${String(Date.now() % 10_000_000).padStart(7, "0")}`,
      "Москва",
      "",
      "Опыт работы",
      "2019 — 2025: Backend-разработчик, ООО «Пример». Rust, PostgreSQL, Kafka.",
      "",
      "Навыки: Rust, PostgreSQL, SQL, Docker, Linux",
      "",
    ].join("\n");
    await page.getByTestId("resume-files").setInputFiles({
      name: "resume.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(resume),
    });
    const row = page.getByTestId("upload-row").first();
    await row.waitFor();
    await page.waitForFunction(
      () => {
        const s = document.querySelector('[data-testid="upload-row"]')?.getAttribute("data-state");
        return s === "done" || s === "failed" || s === "error";
      },
      undefined,
      { timeout: 30_000 },
    );
    await shot(page, "06b-resume-upload");
    assert.equal(await row.getAttribute("data-state"), "done", await row.textContent());
    await row.getByRole("link").click();
    await page.waitForURL(/\/candidates\/[^/]+$/, { waitUntil: "commit" });
    await page.getByTestId("candidate-contacts").getByText(email).waitFor();
    await page.getByRole("link", { name: "resume.txt" }).waitFor();

    // Suitable vacancies come from matching; "+" assigns the candidate to one of them.
    const matches = page.getByTestId("match-list");
    await matches.waitFor();
    const first = matches.locator("li").first();
    const title = (await first.getByRole("link").textContent())?.trim();
    await first.getByRole("button", { name: /^Назначить/ }).click();
    await page.getByTestId("application").filter({ hasText: title }).waitFor();
    await shot(page, "06c-candidate-from-resume");
    await page.context().close();
  });

  test("a recruiter sees no vacancy management actions", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto("/vacancies");
    await page.getByTestId("vacancy-card").first().waitFor();
    assert.equal(await page.getByTestId("new-vacancy").count(), 0);
    await page.goto(state.vacancyUrl);
    await page.getByTestId("vacancy-title").waitFor();
    assert.equal(await page.getByTestId("edit-vacancy").count(), 0);
    assert.equal(await page.getByTestId("close-vacancy").count(), 0);
    await page.context().close();
  });

  test("only a manager makes the final decision: the recruiter has no Accept, the manager accepts", async () => {
    const manager = await newPage(browser);
    await login(manager, "manager");
    const res = await manager.request.get("/api/applications?status=awaiting_manager_decision&per_page=100");
    assert.equal(res.status(), 200);
    const apps = (await res.json()).items;
    assert.ok(apps.length > 0, "the demo data has an application awaiting the manager's decision");
    const app = apps[0];

    const recruiter = await newPage(browser);
    await login(recruiter, "recruiter");
    await recruiter.goto(`/candidates/${app.candidate_id}`);
    const rItem = recruiter.getByTestId("application").filter({ hasText: app.vacancy_title });
    await rItem.locator("[data-status='awaiting_manager_decision']").first().waitFor();
    assert.equal(await rItem.getByTestId("advance").count(), 0);
    await recruiter.context().close();

    await manager.goto(`/candidates/${app.candidate_id}`);
    const mItem = manager.getByTestId("application").filter({ hasText: app.vacancy_title });
    await mItem.getByTestId("advance").getByText("Принять").click();
    await mItem.locator("[data-status='accepted']").first().waitFor();
    await shot(manager, "20b-accepted");
    await manager.context().close();
  });

  test("a manager edits the vacancy", async () => {
    const page = await newPage(browser);
    await login(page, "manager");
    await page.goto(state.vacancyUrl);
    await page.getByTestId("edit-vacancy").click();
    await page.waitForURL(/\/edit$/, { waitUntil: "commit" });
    await page.getByLabel("Название").fill(`${state.vacancyTitle} (senior)`);
    await page.getByLabel("Город").fill("");
    await page.getByTestId("save-vacancy").click();
    await page.waitForURL((u) => u.pathname === state.vacancyUrl, { waitUntil: "commit" });
    await page.getByTestId("vacancy-title").getByText(`${state.vacancyTitle} (senior)`).waitFor();
    await page.getByTestId("vacancy-requirements").getByText("PostgreSQL").waitFor();
    assert.equal(await page.getByText("Москва").count(), 0, "the emptied location is cleared");
    await page.context().close();
  });

  test("a manager closes the vacancy after confirming", async () => {
    const page = await newPage(browser);
    await login(page, "manager");
    await page.goto(state.vacancyUrl);
    await page.getByTestId("close-vacancy").click();
    await shot(page, "21-close-confirm");
    await page.getByTestId("confirm-close").click();
    await page.getByTestId("vacancy-state").getByText("Закрыта").waitFor();
    await page.goto("/vacancies?state=closed");
    await page.getByTestId("vacancy-card").filter({ hasText: state.vacancyTitle }).waitFor();
    await page.context().close();
  });
});
