#!/usr/bin/env node
// Figures for the web app: the production bundle's size, and how fast the candidates page
// becomes usable with 1,000 candidates. Run from web/ after `npm run build`:
//   node e2e/perf.mjs
// It starts its own `otbor serve` ($OTBOR_BIN, default ../target/debug/otbor) on a free port
// with a fresh data directory, creates the candidates through the API (one keep-alive client,
// signed in, with the CSRF header), then measures /candidates in Chromium (/usr/bin/chromium).
// Env: PERF_CANDIDATES (1000), PERF_RUNS (5).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync, openSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = resolve(WEB, process.env.OTBOR_BIN ?? "../target/debug/otbor");
const DIST = join(WEB, "dist");
const N = Number(process.env.PERF_CANDIDATES ?? 1000);
const RUNS = Number(process.env.PERF_RUNS ?? 5);
const ADMIN = { email: "admin@otbor.local", password: "admin-password-1" };

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;

// ---- (a) bundle size -------------------------------------------------------------------
if (!existsSync(join(DIST, "index.html"))) {
  console.error("perf: no dist/ (run npm run build first)");
  process.exit(2);
}
const assetsDir = join(DIST, "assets");
const assets = readdirSync(assetsDir)
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => {
    const buf = readFileSync(join(assetsDir, f));
    return { file: f, raw: buf.length, gz: gzipSync(buf, { level: 9 }).length };
  })
  .sort((a, b) => b.raw - a.raw);
const sum = (xs, k) => xs.reduce((n, x) => n + x[k], 0);

console.log("== Bundle (dist/assets, gzip level 9 via zlib)");
for (const a of assets) console.log(`  ${a.file.padEnd(40)} ${kb(a.raw).padStart(11)} raw ${kb(a.gz).padStart(10)} gz`);
console.log(`  ${"TOTAL js+css".padEnd(40)} ${kb(sum(assets, "raw")).padStart(11)} raw ${kb(sum(assets, "gz")).padStart(10)} gz`);
for (const ext of ["js", "css"]) {
  const xs = assets.filter((a) => a.file.endsWith(`.${ext}`));
  console.log(`  ${`  of which .${ext} (${xs.length} files)`.padEnd(40)} ${kb(sum(xs, "raw")).padStart(11)} raw ${kb(sum(xs, "gz")).padStart(10)} gz`);
}

// ---- server --------------------------------------------------------------------------------
const port = await new Promise((ok) => {
  const s = net.createServer();
  s.listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => ok(p));
  });
});
const BASE = `http://127.0.0.1:${port}`;
const work = mkdtempSync(join(tmpdir(), "otbor-perf-"));
const log = openSync(join(work, "server.log"), "w");
const server = spawn(BIN, ["serve"], {
  env: {
    ...process.env,
    OTBOR_ADDR: `127.0.0.1:${port}`,
    OTBOR_DATA_DIR: join(work, "data"),
    OTBOR_WEB_DIR: DIST,
    OTBOR_ADMIN_EMAIL: ADMIN.email,
    OTBOR_ADMIN_PASSWORD: ADMIN.password,
  },
  stdio: ["ignore", log, log],
});
let browser;
const stop = async () => {
  if (browser) await browser.close().catch(() => {});
  server.kill();
  await new Promise((ok) => (server.exitCode !== null ? ok() : server.once("exit", ok)));
  rmSync(work, { recursive: true, force: true });
};
process.on("SIGINT", () => stop().then(() => process.exit(130)));

try {
  let ready = false;
  for (let i = 0; i < 120 && !ready; i++) {
    if (server.exitCode !== null) throw new Error(`server exited:\n${readFileSync(join(work, "server.log"), "utf8")}`);
    ready = await fetch(`${BASE}/api/health`).then((r) => r.ok, () => false);
    if (!ready) await new Promise((r) => setTimeout(r, 500));
  }
  if (!ready) throw new Error("server did not answer /api/health");

  // ---- (b) 1,000 candidates through the API, one keep-alive connection ------------------------
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let cookies = {};
  let csrf = null;
  const request = (method, path, body) =>
    new Promise((ok, fail) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers = { Accept: "application/json" };
      if (data) Object.assign(headers, { "Content-Type": "application/json", "Content-Length": data.length });
      if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
      const jar = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; ");
      if (jar) headers.Cookie = jar;
      const req = http.request(`${BASE}${path}`, { method, agent, headers }, (res) => {
        for (const c of res.headers["set-cookie"] ?? []) {
          const [kv] = c.split(";");
          const i = kv.indexOf("=");
          cookies[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
        }
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const json = text ? JSON.parse(text) : null;
          if (res.statusCode >= 400) fail(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else ok(json);
        });
      });
      req.on("error", fail);
      if (data) req.write(data);
      req.end();
    });

  const session = await request("POST", "/api/auth/login", ADMIN);
  csrf = session.csrf_token;
  const CITIES = ["Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", null];
  const SOURCES = ["hh.ru", "linkedin", "referral", "manual"];
  const t0 = performance.now();
  for (let i = 1; i <= N; i++) {
    await request("POST", "/api/candidates", {
      full_name: `Кандидат Тестовый ${String(i).padStart(4, "0")}`,
      email: `perf${i}@example.com`,
      phone: `+7 900 ${String(i).padStart(7, "0")}`,
      location: CITIES[i % CITIES.length],
      source: SOURCES[i % SOURCES.length],
    });
  }
  const createMs = performance.now() - t0;
  const list = await request("GET", "/api/candidates?per_page=1");
  console.log(`\n== Data: created ${N} candidates in ${ms(createMs)} (${(createMs / N).toFixed(1)} ms each, one keep-alive connection); the server lists ${list.total}`);

  // API latency of the page the table asks for, and of a 100-row page.
  const apiTimes = {};
  for (const per of [20, 100]) {
    const xs = [];
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      await request("GET", `/api/candidates?sort=created_at&order=desc&page=1&per_page=${per}`);
      xs.push(performance.now() - s);
    }
    apiTimes[per] = xs;
  }
  agent.destroy();

  // ---- (b) the candidates page in Chromium -------------------------------------------------
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });

  const measure = async (path) => {
    // A fresh context each time: empty cache, signed in through the API (the session cookie).
    const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1400, height: 900 }, locale: "ru-RU" });
    await context.request.post("/api/auth/login", { data: ADMIN });
    const page = await context.newPage();
    const loaded = [];
    page.on("response", async (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith("/assets/")) loaded.push(u.pathname.slice("/assets/".length));
    });
    await page.goto(path, { waitUntil: "commit" });
    // Polled every animation frame in the page: the first row laid out and the search box usable.
    const readyAt = await page.waitForFunction(
      () => {
        const row = document.querySelector('[data-testid="candidate-row"]');
        const box = document.querySelector('[data-testid="candidate-search"]');
        if (!row || !box || box.disabled || box.readOnly) return false;
        const r = row.getBoundingClientRect();
        if (r.height === 0 || r.top > window.innerHeight) return false;
        return performance.now();
      },
      null,
      { polling: "raf", timeout: 30_000 },
    );
    const interactive = await readyAt.jsonValue();
    // Check that the search box really takes input (after the measurement).
    const box = page.getByTestId("candidate-search");
    await box.pressSequentially("К");
    if ((await box.inputValue()) !== "К") throw new Error("the search box did not take input");
    const typedAt = await page.evaluate(() => performance.now());
    await page.waitForLoadState("load");
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType("navigation")[0];
      return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, ttfb: n.responseStart };
    });
    const rows = await page.getByTestId("candidate-row").count();
    await context.close();
    return { interactive, typedAt, rows, loaded, ...nav };
  };

  const summaries = [];
  const scenarios = [["/candidates", "/candidates (UI page size 20)"]];
  let loadedAssets = [];
  for (const [path, label] of scenarios) {
    await measure(path); // warm-up (server caches, Chromium start); not counted
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(path));
    loadedAssets = runs[0].loaded;
    console.log(`\n== ${label}: ${RUNS} runs, fresh browser context each (cold cache)`);
    runs.forEach((r, i) =>
      console.log(
        `  run ${i + 1}: interactive ${ms(r.interactive)}, typed ${ms(r.typedAt)}, DOMContentLoaded ${ms(r.dcl)}, load ${ms(r.load)}, TTFB ${ms(r.ttfb)}, rows ${r.rows}`,
      ),
    );
    const pick = (k) => runs.map((r) => r[k]);
    summaries.push({ label, interactive: pick("interactive"), dcl: pick("dcl"), load: pick("load"), rows: runs[0].rows });
  }

  const uniq = [...new Set(loadedAssets)];
  const pageAssets = uniq.map((f) => assets.find((a) => a.file === f) ?? { file: f, raw: 0, gz: 0 });
  console.log(`\n== What /candidates loads from dist/assets (${pageAssets.length} files)`);
  for (const a of pageAssets) console.log(`  ${a.file.padEnd(40)} ${kb(a.raw).padStart(11)} raw ${kb(a.gz).padStart(10)} gz`);
  console.log(`  ${"TOTAL".padEnd(40)} ${kb(sum(pageAssets, "raw")).padStart(11)} raw ${kb(sum(pageAssets, "gz")).padStart(10)} gz`);

  console.log("\n== Summary");
  console.log(`  bundle: ${assets.length} files, ${kb(sum(assets, "raw"))} raw, ${kb(sum(assets, "gz"))} gzipped; /candidates loads ${kb(sum(pageAssets, "raw"))} raw, ${kb(sum(pageAssets, "gz"))} gzipped`);
  for (const s of summaries) {
    console.log(
      `  ${s.label}, ${N} candidates, ${s.rows} rows shown: interactive median ${ms(median(s.interactive))}, max ${ms(Math.max(...s.interactive))}; ` +
        `DOMContentLoaded median ${ms(median(s.dcl))}, max ${ms(Math.max(...s.dcl))}; load median ${ms(median(s.load))}, max ${ms(Math.max(...s.load))}`,
    );
  }
  for (const per of [20, 100])
    console.log(`  GET /api/candidates per_page=${per}: median ${ms(median(apiTimes[per]))}, max ${ms(Math.max(...apiTimes[per]))} (Node client, keep-alive)`);
  console.log("  per_page=100 in the browser: not measured, the table's page size is fixed at 20 (no UI control, no URL parameter)");
} finally {
  await stop();
}
