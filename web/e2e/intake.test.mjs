//! Browser tests of resume intake: many files at once (dropped and picked), refusals before
//! sending, the uploads page with done and failed files, the profile read from a resume with its
//! provenance and red flags, and the per-requirement evidence of a recommendation.
//! The resumes are the synthetic ones committed in `tests/fixtures/dev` from the repository root
//! (`OTBOR_DEV_DATA` names another copy of the dev set).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { launch, login, newPage, shot } from "./helpers.mjs";

const DEV = process.env.OTBOR_DEV_DATA ?? fileURLToPath(new URL("../../tests/fixtures/dev/", import.meta.url));
const dev = (rel) => `${DEV.replace(/\/$/, "")}/${rel}`;

const GOOD = dev("resumes/dev-r001_Sultanova_Aygerim_resume.pdf");
const ENCRYPTED = dev("bad_inputs/encrypted_resume.pdf");
const INJECTED = dev("injection/dev-i02_Egorov_Egor_CV.pdf");
const ACCOUNTANT = dev("resumes/dev-r041_Резюме_Мингазова_Л.pdf");

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Drops files on an element as a browser would after a drag from the desktop. */
async function dropFiles(page, target, files) {
  const payload = files.map((f) => ({
    name: f.name,
    type: f.type,
    b64: f.buffer ? f.buffer.toString("base64") : null,
    size: f.size ?? null,
  }));
  const dt = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bytes = it.b64 ? Uint8Array.from(atob(it.b64), (c) => c.charCodeAt(0)) : new Uint8Array(it.size);
      dt.items.add(new File([bytes], it.name, { type: it.type }));
    }
    return dt;
  }, payload);
  await target.dispatchEvent("dragenter", { dataTransfer: dt });
  await target.dispatchEvent("drop", { dataTransfer: dt });
}

/** Waits until every row of the upload dialog has settled (done, failed or refused). */
async function waitRowsSettled(page, count) {
  await page.waitForFunction(
    (n) => {
      const rows = [...document.querySelectorAll('[data-testid="upload-row"]')];
      return rows.length === n && rows.every((r) => ["done", "failed", "error"].includes(r.getAttribute("data-state")));
    },
    count,
    { timeout: 60_000 },
  );
}

/** Uploads one file through the dialog already open on the page and opens the candidate it made. */
async function uploadAndOpen(page, path) {
  await page.getByTestId("resume-files").setInputFiles(path);
  await waitRowsSettled(page, 1);
  const row = page.getByTestId("upload-row").first();
  assert.equal(await row.getAttribute("data-state"), "done", await row.innerText());
  await row.getByRole("link", { name: "Открыть" }).click();
  await page.waitForURL(/\/candidates\/[^/]+$/, { waitUntil: "commit" });
}

describe("Resume intake", () => {
  test("many resumes at once: dropped and picked, bad ones refused, then done and failed on the uploads page", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto("/candidates");
    await page.getByTestId("upload-resumes").click();
    const zone = page.getByTestId("resume-dropzone");
    await zone.waitFor();

    // Dropped: the encrypted PDF goes to the server; a photo and an 11 MB PDF are refused here.
    await dropFiles(page, zone, [
      { name: "encrypted_resume.pdf", type: "application/pdf", buffer: readFileSync(ENCRYPTED) },
      { name: "photo.jpg", type: "image/jpeg", buffer: Buffer.from("not a resume") },
      { name: "huge.pdf", type: "application/pdf", size: 11 * 1024 * 1024 },
    ]);
    // Picked: a good resume, over a slow uplink so that its own progress bar shows.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 20 * 1024,
    });
    await page.getByTestId("resume-files").setInputFiles(GOOD);
    const uploading = page.getByTestId("upload-row").filter({ hasText: "dev-r001" }).getByTestId("upload-progress");
    await uploading.waitFor();
    await shot(page, "30a-upload-progress");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await waitRowsSettled(page, 4);

    const rows = page.getByTestId("upload-row");
    const byName = (name) => rows.filter({ hasText: name });
    assert.equal(await byName("photo.jpg").getAttribute("data-state"), "error");
    assert.match(await byName("photo.jpg").innerText(), /формат не принимается/);
    assert.equal(await byName("huge.pdf").getAttribute("data-state"), "error");
    assert.match(await byName("huge.pdf").innerText(), /больше 10 МБ/);
    assert.equal(await byName("encrypted_resume.pdf").getAttribute("data-state"), "failed");
    assert.match(await byName("encrypted_resume.pdf").innerText(), /парол/i);
    assert.equal(await byName("dev-r001").getAttribute("data-state"), "done");
    await byName("dev-r001").getByTestId("upload-candidate-name").getByText(/Султанова/).waitFor();
    await shot(page, "30-upload-many");

    // The uploads page lists the two that reached the server, with their outcome.
    await page.getByTestId("all-uploads").click();
    await page.waitForURL((u) => u.pathname === "/uploads", { waitUntil: "commit" });
    await page.getByTestId("uploads-table").waitFor();
    const items = page.getByTestId("upload-item");
    const failed = items.filter({ hasText: "encrypted_resume.pdf" }).first();
    assert.equal(await failed.getAttribute("data-state"), "failed");
    const error = failed.getByTestId("upload-error");
    assert.match(await error.innerText(), /PDF защищён паролем/);
    assert.match((await error.getAttribute("class")) ?? "", /text-destructive/, "the error is shown in red");
    assert.match(await failed.innerText(), /password_protected/);
    const done = items.filter({ hasText: "dev-r001_Sultanova_Aygerim_resume.pdf" }).first();
    assert.equal(await done.getAttribute("data-state"), "done");
    await done.getByTestId("upload-candidate-name").getByText(/Султанова/).waitFor();
    assert.equal(await items.filter({ hasText: "photo.jpg" }).count(), 0, "refused files never reach the server");
    await shot(page, "31-uploads-page");

    // "Only mine" keeps them (they are this recruiter's); a manager's "only mine" does not show them.
    await page.getByTestId("uploads-mine").click();
    await page.waitForURL(/mine=true/, { waitUntil: "commit" });
    await items.filter({ hasText: "encrypted_resume.pdf" }).first().waitFor();

    await done.getByTestId("upload-candidate").click();
    await page.waitForURL(/\/candidates\/[^/]+$/, { waitUntil: "commit" });
    await page.getByTestId("candidate-name").getByText(/Султанова/).waitFor();
    assert.deepEqual(page.consoleErrors.filter((e) => !/401|422/.test(e)), []);
    await page.context().close();

    const manager = await newPage(browser);
    await login(manager, "manager", "/uploads?mine=true");
    await manager.waitForURL(/\/uploads\?mine=true/, { waitUntil: "commit" });
    await manager.getByTestId("empty-state").or(manager.getByTestId("uploads-table")).first().waitFor();
    assert.equal(await manager.getByTestId("upload-item").filter({ hasText: "encrypted_resume.pdf" }).count(), 0);
    await manager.context().close();
  });

  test("the uploads page refreshes itself while a file is still in progress", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    // Ask for an upload URL but do not send the file yet: the upload stays "pending".
    const csrf = (await page.context().cookies()).find((c) => c.name === "otbor_csrf")?.value ?? "";
    const body = readFileSync(dev("bad_inputs/resume_2000_pages.pdf"));
    const res = await page.request.post("/api/uploads", {
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" },
      data: { file_name: "resume_2000_pages.pdf", content_type: "application/pdf", size: body.length },
    });
    assert.equal(res.status(), 201, await res.text());
    const ticket = await res.json();

    await page.goto("/uploads?mine=true");
    const row = page.getByTestId("upload-item").filter({ hasText: "resume_2000_pages.pdf" }).first();
    await row.waitFor();
    assert.equal(await row.getAttribute("data-state"), "pending");
    assert.match(await row.getByTestId("upload-state").innerText(), /Ожидаем файл/);
    await page.getByTestId("uploads-refreshing").waitFor();

    // Now the file arrives; the page shows intake's verdict without a reload.
    const put = await page.request.put(ticket.url, { headers: ticket.headers, data: body });
    assert.ok(put.ok(), await put.text());
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid="upload-item"]')];
        const r = rows.find((x) => x.textContent?.includes("resume_2000_pages.pdf"));
        return r && ["done", "failed"].includes(r.getAttribute("data-state") ?? "");
      },
      null,
      { timeout: 30_000 },
    );
    // A 2000-page PDF is refused with a message that says why.
    assert.equal(await row.getAttribute("data-state"), "failed");
    assert.match(await row.getByTestId("upload-error").innerText(), /2000/);
    await page.getByTestId("uploads-refreshing").waitFor({ state: "detached" });
    await page.context().close();
  });

  test("the candidate page shows the profile read from the resume, its red flags and where each field came from", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto("/candidates");
    await page.getByTestId("upload-resumes").click();
    await uploadAndOpen(page, INJECTED);

    // The warning about hidden text and instructions to the screener comes first.
    const warning = page.getByTestId("profile-warning");
    await warning.waitFor();
    assert.match(await warning.innerText(), /скрытый текст/);
    assert.match(await warning.innerText(), /не учитывался/);

    const card = page.getByTestId("resume-profile");
    assert.match(await card.innerText(), /Профиль из резюме/);
    assert.match(await page.getByTestId("profile-experience").innerText(), /^\d+ (год|года|лет)( \d+ (месяц|месяца|месяцев))?$/);
    assert.ok((await page.getByTestId("profile-skill").count()) >= 3, "skills as chips");
    assert.ok((await page.getByTestId("profile-timeline").locator("li").count()) >= 1, "an experience timeline");
    await page.getByTestId("profile-languages").waitFor();
    await shot(page, "32-candidate-profile");

    // Clicking the email shows it highlighted in the resume text, which opens for it.
    const email = card.getByTestId("profile-field").filter({ hasText: "@" }).first();
    const emailText = (await email.innerText()).trim();
    await email.click();
    const selected = page.getByTestId("resume-text-selected");
    await selected.waitFor();
    assert.equal((await selected.innerText()).trim().toLowerCase(), emailText.toLowerCase());

    // A skill's source is in the text too (it may be written differently from the canonical name).
    await page.getByTestId("profile-skill").first().click();
    await selected.waitFor();
    assert.ok((await selected.innerText()).trim().length > 0);
    await shot(page, "33-resume-text-highlight");

    // Searching the text marks every hit.
    await page.getByTestId("resume-text-search").fill("CRM");
    await page.getByTestId("resume-text-hits").getByText(/совпадени/).waitFor();
    assert.ok((await page.getByTestId("resume-text-hit").count()) + (await selected.count()) >= 1);

    // The hidden instruction is not in the analysed text.
    assert.doesNotMatch(await page.getByTestId("resume-text").innerText(), /INJECT-TRIGGER/);
    await page.getByTestId("resume-text-toggle").click();
    await page.getByTestId("resume-text").waitFor({ state: "detached" });

    // The candidate list marks the candidate too.
    const name = (await page.getByTestId("candidate-name").innerText()).trim();
    await page.goto(`/candidates?q=${encodeURIComponent(name)}`);
    await page.getByRole("row").filter({ hasText: name }).first().getByTestId("candidate-flagged").waitFor();
    await page.context().close();
  });

  test("a resume uploaded on a vacancy page assigns the candidate; the recommendation opens to its evidence", async () => {
    const page = await newPage(browser);
    await login(page, "recruiter");
    await page.goto("/vacancies");
    await page.getByTestId("vacancy-card").filter({ hasText: "Бухгалтер (1С:Бухгалтерия)" }).first().getByRole("link").first().click();
    await page.waitForURL(/\/vacancies\/[^/]+$/, { waitUntil: "commit" });
    const vacancyUrl = page.url();
    await page.getByTestId("upload-resumes").click();
    await uploadAndOpen(page, ACCOUNTANT);
    const name = (await page.getByTestId("candidate-name").innerText()).trim();
    assert.match(name, /Мингазова/);

    await page.goto(vacancyUrl);
    await page.getByTestId("vacancy-pipeline").getByText(name).waitFor();
    const item = page.getByTestId("match-item").filter({ hasText: name }).first();
    await item.waitFor();
    await item.getByTestId("match-expand").click();
    const table = item.getByTestId("evidence-table");
    await table.waitFor();
    assert.match(await item.getByTestId("score-explain").innerText(), /вычислена кодом из вердиктов/);

    const rows = table.getByTestId("evidence-row");
    assert.ok((await rows.count()) >= 2, "a row per requirement");
    // The first requirement is named as the vacancy states it, with a verdict and quoted evidence.
    const reqText = (await page.getByTestId("vacancy-requirements").locator("li").first().locator("p").first().innerText()).trim();
    assert.match(await rows.first().innerText(), new RegExp(reqText.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    const verdicts = await table.getByTestId("verdict").allInnerTexts();
    for (const v of verdicts) assert.match(v.trim(), /^(выполнено|частично|нет)$/);
    const quote = table.getByTestId("evidence-quote").first();
    assert.match(await quote.innerText(), /^«.+»$/s);
    await shot(page, "34-recommendation-evidence");

    // The same breakdown from the candidate's side.
    await page.getByTestId("match-list").getByRole("link", { name }).first().click();
    await page.waitForURL(/\/candidates\//, { waitUntil: "commit" });
    const fromCandidate = page.getByTestId("match-item").filter({ hasText: "Бухгалтер" }).first();
    await fromCandidate.getByTestId("match-expand").click();
    await fromCandidate.getByTestId("evidence-table").waitFor();
    assert.match(await fromCandidate.getByTestId("evidence-row").first().innerText(), new RegExp(reqText.slice(0, 10).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    // There the quoted evidence is a link into the resume text.
    await fromCandidate.getByTestId("evidence-quote").first().click();
    const selected = page.getByTestId("resume-text-selected");
    await selected.waitFor();
    assert.ok((await selected.innerText()).trim().length > 0);
    await shot(page, "34b-evidence-in-text");

    // The uploads page names the vacancy the file was uploaded for.
    await page.goto("/uploads");
    const upload = page.getByTestId("upload-item").filter({ hasText: "dev-r041" }).first();
    await upload.getByTestId("upload-vacancy").getByText(/Бухгалтер/).waitFor();
    await page.context().close();
  });

  test("the profile and the evidence are in English when the language is switched", async () => {
    const page = await newPage(browser, { lang: "en" });
    await login(page, "recruiter", "/uploads");
    await page.getByTestId("uploads-table").waitFor();
    assert.match(await page.getByRole("columnheader").first().innerText(), /File/);
    const done = page.getByTestId("upload-item").filter({ hasText: "dev-i02_Egorov_Egor_CV.pdf" }).first();
    await done.getByTestId("upload-candidate").click();
    await page.getByTestId("profile-warning").waitFor();
    assert.match(await page.getByTestId("profile-warning").innerText(), /hidden text/);
    assert.match(await page.getByTestId("profile-experience").innerText(), /^\d+ years?( \d+ months?)?$/);
    await shot(page, "35-profile-english");
    await page.context().close();
  });
});

describe("Match evidence details", () => {
  test("a requirement that is shown but not scored (an office city) is marked as not affecting the score", async () => {
    const page = await newPage(browser);
    await login(page, "manager");
    const csrf = (await page.context().cookies()).find((c) => c.name === "otbor_csrf")?.value ?? "";
    const res = await page.request.post("/api/vacancies", {
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" },
      data: {
        title: `Бухгалтер в офисе ${Date.now().toString(36)}`,
        description: "Участок реализации.",
        requirements: [
          { text: "1С:Бухгалтерия", kind: "must", weight: 8, min_years: null },
          { text: "Работа в офисе в Москве", kind: "nice", weight: 2, min_years: null },
        ],
        min_experience_years: null,
        location: "Москва",
        remote: false,
        language: "ru",
      },
    });
    assert.equal(res.status(), 201, await res.text());
    const vacancy = await res.json();

    // Matching runs in the background after the vacancy is saved.
    let item;
    for (let i = 0; i < 20; i++) {
      await page.goto(`/vacancies/${vacancy.id}`);
      await page.getByTestId("vacancy-title").waitFor();
      item = page.getByTestId("match-item").filter({ hasText: "Мингазова" }).first();
      if (await item.isVisible().catch(() => false)) break;
      await page.waitForTimeout(500);
    }
    await item.getByTestId("match-expand").click();
    const row = item.getByTestId("evidence-row").filter({ hasText: "Работа в офисе в Москве" });
    await row.waitFor();
    assert.equal(await row.getAttribute("data-scored"), "false");
    await row.getByTestId("not-scored").getByText("не влияет на оценку").waitFor();
    const scored = item.getByTestId("evidence-row").filter({ hasText: "1С:Бухгалтерия" });
    assert.equal(await scored.getAttribute("data-scored"), "true");
    await shot(page, "36-evidence-not-scored");
    await page.context().close();
  });
});
