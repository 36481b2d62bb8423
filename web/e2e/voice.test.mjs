//! Browser end-to-end test of the voice and video interview (issue 8), in Chromium with a fake
//! camera and a WAV file as the microphone (an answer spoken by espeak-ng, then silence), over
//! real WebRTC to the media worker of `otbor serve`, in a network namespace with only
//! loopback (run.sh): the candidate consents, picks voice, passes the device check, starts;
//! hears the first question (inbound audio in getStats), sees their spoken answer and the next
//! question in the chat panel, types an answer, finishes; the recording is in the store and
//! ffprobe reads it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { BASE, shot, unique, USERS } from "./helpers.mjs";

const SPOKEN = process.env.OTBOR_STT_FAKE_TEXT ?? "";
const HAS_VOICE = !!process.env.OTBOR_VAD_MODEL;
let browser;
let wav;

/** espeak-ng speech followed by 2 s of silence, as one 16-bit mono WAV. */
function answerWav(dir) {
  const raw = execFileSync("espeak-ng", ["-v", "ru", "--stdout", "Я пишу на Rust пять лет"]);
  const rate = raw.readUInt32LE(24);
  const data = raw.subarray(44);
  const silence = Buffer.alloc(rate * 2 * 2);
  const body = Buffer.concat([data, silence]);
  const header = Buffer.from(raw.subarray(0, 44));
  header.writeUInt32LE(36 + body.length, 4);
  header.writeUInt32LE(body.length, 40);
  const path = join(dir, "answer.wav");
  writeFileSync(path, Buffer.concat([header, body]));
  return path;
}

async function apiSession(who) {
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(USERS[who]),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
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

async function invite() {
  const api = await apiSession("manager");
  const v = await api("POST", "/api/vacancies", {
    title: unique("Голосовое интервью"),
    language: "ru",
    requirements: [{ text: "Rust", kind: "must", weight: 8 }],
  });
  assert.equal(v.status, 201);
  const c = await api("POST", "/api/candidates", { full_name: unique("Голос Кандидатов"), email: `${Date.now()}@example.ru` });
  const inv = await api("POST", `/api/vacancies/${v.body.id}/invites`, { candidate_id: c.body.id, send: false });
  assert.equal(inv.status, 201);
  return inv.body.token;
}

async function candidatePage() {
  const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1400, height: 900 }, locale: "ru-RU", timezoneId: "Europe/Moscow" });
  await context.grantPermissions(["camera", "microphone"], { origin: BASE });
  await context.addInitScript(() => {
    localStorage.setItem("otbor.lang", "ru");
    // Every peer connection the page makes, for getStats.
    const Original = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = class extends Original {
      constructor(...args) {
        super(...args);
        window.__pcs.push(this);
      }
    };
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function inboundAudioPackets(page) {
  return page.evaluate(async () => {
    let n = 0;
    for (const pc of window.__pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r) => {
        if (r.type === "inbound-rtp" && r.kind === "audio") n += r.packetsReceived;
      });
    }
    return n;
  });
}

/** Files under `dir` whose names match `re`, recursively. */
function files(dir, re, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, re, out);
    else if (re.test(p)) out.push(p);
  }
  return out;
}

describe("the voice and video interview", { skip: HAS_VOICE ? false : "the voice models are not installed (scripts/media-setup.sh)" }, () => {
  before(async () => {
    wav = answerWav(mkdtempSync(join(tmpdir(), "otbor-voice-")));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${wav}`,
        "--allow-loopback-in-peer-connection",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
        "--autoplay-policy=no-user-gesture-required",
      ],
    });
  });
  after(async () => browser?.close());

  test("a candidate speaks with the AI interviewer, types an answer, finishes, and the call is recorded", async () => {
    const token = await invite();
    const page = await candidatePage();
    await page.goto(`/i/${token}`);
    await page.getByTestId("consent-checkbox").click();
    await page.getByTestId("consent-submit").click();
    await page.getByTestId("mode-voice").click();
    await page.getByTestId("device-check").waitFor();
    await shot(page, "voice-device-check");
    await page.getByTestId("start-call").click();
    await page.getByTestId("voice-call").waitFor();

    // The first question is shown and heard.
    const transcript = page.getByTestId("voice-transcript");
    await page.waitForFunction(() => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").length > 30);
    const deadline = Date.now() + 30_000;
    let heard = 0;
    while ((heard = await inboundAudioPackets(page)) < 25 && Date.now() < deadline) await page.waitForTimeout(250);
    assert.ok(heard >= 25, `the AI's voice reaches the browser (${heard} audio packets)`);

    // The microphone's answer is recognised and recorded; the next question follows.
    await page.waitForFunction((t) => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").includes(t), SPOKEN, { timeout: 45_000 });
    await shot(page, "voice-call");

    // A typed answer counts like a spoken one.
    await page.getByTestId("voice-answer").fill("Ещё добавлю: веду код-ревью в команде из пяти человек.");
    await page.getByTestId("voice-answer-send").click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").includes("код-ревью"));

    await page.getByTestId("voice-finish").click();
    await page.getByTestId("voice-finish-confirm").click();
    await page.getByTestId("interview-thanks").waitFor();
    await shot(page, "voice-thanks");
    assert.ok((await transcript.count()) <= 1);

    // The recording: the candidate's audio segments are in the store and ffprobe reads them.
    const data = process.env.E2E_DATA_DIR;
    if (data) {
      let ogg = [];
      for (let i = 0; i < 40 && ogg.length === 0; i++) {
        ogg = files(data, /./).filter((p) => readFileSync(p).subarray(0, 4).toString() === "OggS");
        if (ogg.length === 0) await page.waitForTimeout(250);
      }
      assert.ok(ogg.length > 0, "audio segments are stored");
      const probe = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_streams", "-of", "json", ogg[0]]).toString());
      assert.equal(probe.streams[0].codec_name, "opus");
    }
    await page.context().close();
  });
});
