//! Shared set-up for the browser tests: one Chromium, sign-in helpers, screenshots.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE = process.env.OTBOR_URL ?? "http://127.0.0.1:8080";
const SHOTS = process.env.E2E_SCREENSHOTS;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

export const USERS = {
  admin: { email: "admin@otbor.local", password: "admin-password-1" },
  manager: { email: "manager@otbor.local", password: "manager-password-1" },
  recruiter: { email: "recruiter@otbor.local", password: "recruiter-password-1" },
};

/** Chromium as every browser test starts it, with `extra` flags (fake media devices, ...). */
export async function launch(extra = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      ...extra,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh context (own cookies and storage) in Russian unless told otherwise. */
export async function newPage(browser, { lang = "ru" } = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    viewport: { width: 1400, height: 900 },
    timezoneId: "Europe/Moscow",
    locale: lang === "ru" ? "ru-RU" : "en-GB",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  await context.addInitScript((l) => {
    if (!localStorage.getItem("otbor.lang")) localStorage.setItem("otbor.lang", l);
  }, lang);
  const page = await context.newPage();
  // Generous: CI machines are small and may be compiling at the same time.
  page.setDefaultTimeout(20_000);
  page.setDefaultNavigationTimeout(30_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.consoleErrors = errors;
  return page;
}

export async function login(page, who, next = "/") {
  const { email, password } = USERS[who] ?? who;
  await page.goto(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel(/Эл\. почта|Email/).fill(email);
  await page.getByLabel(/Пароль|Password/).fill(password);
  await page.getByRole("button", { name: /Войти|Sign in/ }).click();
  await page.getByTestId("current-user").waitFor();
}

export async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Picks an option in a Radix select opened from `trigger`. */
export async function choose(page, trigger, optionName) {
  await trigger.click();
  await page.getByRole("option", { name: optionName }).first().click();
}

/** Drags with the mouse in small steps so that dnd-kit's pointer sensor starts a drag. */
export async function drag(page, source, target) {
  const s = await source.boundingBox();
  const t = await target.boundingBox();
  if (!s || !t) throw new Error("drag: element not visible");
  await page.mouse.move(s.x + 20, s.y + s.height / 2);
  await page.mouse.down();
  await page.mouse.move(s.x + 30, s.y + s.height / 2 + 5, { steps: 5 });
  await page.mouse.move(t.x + t.width / 2, t.y + 60, { steps: 15 });
  await page.waitForTimeout(100);
  await page.mouse.up();
}

export const unique = (prefix) => `${prefix} ${Date.now().toString(36)}`;

/** A signed-in API session for set-up: cookies and the CSRF token by hand. */
export async function apiSession(who) {
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(USERS[who]),
  });
  if (res.status !== 200) throw new Error(`login for set-up: ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { csrf_token: csrf } = await res.json();
  return async (method, path, body) => {
    const r = await fetch(`${BASE}${path}`, {
      method,
      headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}
