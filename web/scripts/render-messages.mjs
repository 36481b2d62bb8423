// Renders every message as it is sent, from the API's template preview: the email (the HTML part)
// and the Telegram message (bold subject + escaped text, Telegram's HTML parse mode).
//   BASE=http://127.0.0.1:8080 OUT=../docs/notifications node scripts/render-messages.mjs  (a running otbor serve --demo)
import { chromium } from "playwright-core";
const BASE = process.env.BASE ?? "http://127.0.0.1:8080";
const OUT = process.env.OUT ?? ".";
const login = await fetch(`${BASE}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "admin@otbor.local", password: "admin-password-1" }) });
const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const { csrf_token } = await login.json();
const h = { "content-type": "application/json", cookie, "x-csrf-token": csrf_token };
const templates = await (await fetch(`${BASE}/api/notification-templates`, { headers: h })).json();
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
let emails = "", tg = "";
for (const t of templates.filter((t) => t.lang === "ru")) {
  const r = await (await fetch(`${BASE}/api/notification-templates/${t.event}/ru/preview`, { method: "POST", headers: h, body: JSON.stringify(t.template) })).json();
  emails += `<section><div class="hdr"><b>${esc(t.event)}</b> → ${t.audience === "candidate" ? "кандидату" : "сотруднику"}<br>Тема: ${esc(r.subject)}</div><div class="mail">${r.html}</div></section>`;
  const tgText = `<b>${esc(r.subject)}</b>\n\n${esc(r.text.trim())}`;
  tg += `<div class="bubble">${tgText.replace(/\n/g, "<br>")}<span class="time">10:0${tg.length % 10}</span></div>`;
}
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.setContent(`<html><head><meta charset="utf-8"><style>body{font-family:Arial,sans-serif;background:#f3f4f6;margin:20px} section{background:#fff;border:1px solid #ddd;border-radius:8px;margin:0 0 16px;width:640px;display:inline-block;vertical-align:top;margin-right:16px} .hdr{background:#eef;padding:8px 12px;font-size:13px} .mail{padding:4px 16px;font-size:14px}</style></head><body>${emails}</body></html>`);
await page.screenshot({ path: `${OUT}/emails.png`, fullPage: true });
await page.setContent(`<html><head><meta charset="utf-8"><style>body{font-family:-apple-system,Roboto,Arial,sans-serif;background:#7fa6c9;margin:0;padding:24px} .chat{width:520px;margin:auto} .top{background:#517da2;color:#fff;padding:12px 16px;border-radius:10px 10px 0 0;font-weight:bold} .bubble{background:#fff;border-radius:12px;padding:8px 12px 18px;margin:10px 0;font-size:14px;line-height:1.35;position:relative;max-width:460px} .time{position:absolute;right:10px;bottom:4px;font-size:11px;color:#999}</style></head><body><div class="chat"><div class="top">Otbor bot</div>${tg}</div></body></html>`);
await page.screenshot({ path: `${OUT}/telegram.png`, fullPage: true });
await browser.close();
console.log("ok");
