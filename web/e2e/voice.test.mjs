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
import { apiSession, BASE, launch, login, newPage, shot, unique } from "./helpers.mjs";

const SPOKEN = process.env.OTBOR_STT_FAKE_TEXT ?? "";
const HAS_VOICE = !!process.env.OTBOR_VAD_MODEL;
let browser;
let wav;

/** 1.5 s of silence, espeak-ng speech, then 2 s of silence, as one 16-bit mono WAV (Chromium
 * plays it in a loop as the microphone). */
function answerWav(dir) {
  const raw = execFileSync("espeak-ng", ["-v", "ru", "--stdout", "Я пишу на Rust пять лет"]);
  const rate = raw.readUInt32LE(24);
  const data = raw.subarray(44);
  const silence = (s) => Buffer.alloc(Math.round(rate * s) * 2);
  const body = Buffer.concat([silence(1.5), data, silence(2)]);
  const header = Buffer.from(raw.subarray(0, 44));
  header.writeUInt32LE(36 + body.length, 4);
  header.writeUInt32LE(body.length, 40);
  const path = join(dir, "answer.wav");
  writeFileSync(path, Buffer.concat([header, body]));
  return path;
}


async function invite() {
  return (await invitation()).token;
}

/** A vacancy wanting Rust, a candidate, and a personal link for them. */
async function invitation() {
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
  return { token: inv.body.token, applicationId: inv.body.invite.application_id, candidateId: c.body.id };
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

/** Consent, voice, device check, start; waits for the call screen. */
async function startCall(page, token) {
  await page.goto(`/i/${token}`);
  await page.getByTestId("consent-checkbox").click();
  await page.getByTestId("consent-submit").click();
  await page.getByTestId("mode-voice").click();
  await page.getByTestId("start-call").click();
  await page.getByTestId("voice-call").waitFor();
}

/** The application's recorded sessions once `count` of them are joined into playable files. */
async function joinedRecordings(api, applicationId, count) {
  let recs = [];
  for (let i = 0; i < 120; i++) {
    const r = await api("GET", `/api/applications/${applicationId}/recordings`);
    assert.equal(r.status, 200);
    recs = r.body.recordings;
    if (recs.length >= count && recs.every((x) => x.url)) return recs;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`${count} joined recordings expected, got ${JSON.stringify(recs.map((x) => x.url))}`);
}

/** ffprobe's view of a recording's file, fetched through its link; the file must last as
 * long as its session did. */
async function probeRecording(rec) {
  const whole = await fetch(new URL(rec.url, BASE));
  assert.equal(whole.status, 200);
  const file = join(mkdtempSync(join(tmpdir(), "otbor-rec-")), "recording.webm");
  writeFileSync(file, Buffer.from(await whole.arrayBuffer()));
  const probe = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", file]).toString());
  const call = (Date.parse(rec.ended_at) - Date.parse(rec.started_at)) / 1000;
  assert.ok(Math.abs(Number(probe.format.duration) - call) < 1.5, `the file (${probe.format.duration} s) lasts its session (${call} s)`);
  return probe;
}

/** After the call: the session is one WebM that ffprobe reads with the candidate's video and
 * the voices, served with Range; on the candidate's page the manager plays it, a chapter seeks
 * to its question, and an interview quote in the evaluation plays the moment of its answer. */
async function staffWatchTheRecording(applicationId, candidateId) {
  const api = await apiSession("manager");
  const [rec] = await joinedRecordings(api, applicationId, 1);
  assert.ok(rec.chapters.length >= 2, `a chapter per question (${rec.chapters.length})`);
  const probe = await probeRecording(rec);
  const codecs = probe.streams.map((s) => s.codec_name);
  assert.ok(codecs.includes("vp8") && codecs.includes("opus"), `video and audio in the joined file: ${codecs}`);
  const part = await fetch(new URL(rec.url, BASE), { headers: { Range: "bytes=0-99" } });
  assert.equal(part.status, 206);
  assert.equal((await part.arrayBuffer()).byteLength, 100);

  // The evaluation runs after the call; its quotes can then point into the recording.
  for (let i = 0; i < 120; i++) {
    const e = await api("GET", `/api/applications/${applicationId}/evaluation`);
    if (e.status === 200) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const staff = await newPage(browser);
  await login(staff, "manager", `/candidates/${candidateId}`);
  const video = staff.getByTestId("recording-video");
  await video.waitFor();
  await staff.waitForFunction(() => {
    const v = document.querySelector('[data-testid="recording-video"]');
    return v && v.readyState >= 1 && v.duration > 0;
  }, null, { timeout: 30_000 });
  const currentTime = () => staff.evaluate(() => document.querySelector('[data-testid="recording-video"]').currentTime);
  const chapter = staff.getByTestId("recording-chapter").nth(1);
  const start = Number(await chapter.getAttribute("data-start-ms")) / 1000;
  await chapter.click();
  await staff.waitForFunction((s) => Math.abs(document.querySelector('[data-testid="recording-video"]').currentTime - s) < 1.5, start);
  const quote = staff.getByTestId("quote-recording").first();
  await quote.waitFor();
  const at = Number(await quote.getAttribute("data-ms")) / 1000;
  await staff.evaluate(() => document.querySelector('[data-testid="recording-video"]').pause());
  await quote.click();
  await staff.waitForFunction((s) => Math.abs(document.querySelector('[data-testid="recording-video"]').currentTime - s) < 1.5, at);
  assert.ok(Math.abs((await currentTime()) - at) < 1.5);
  await shot(staff, "voice-recording-card");
  assert.deepEqual(staff.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  await staff.context().close();
}

describe("the voice and video interview", { skip: HAS_VOICE ? false : "the voice models are not installed (scripts/media-setup.sh)" }, () => {
  before(async () => {
    wav = answerWav(mkdtempSync(join(tmpdir(), "otbor-voice-")));
    browser = await launch([
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${wav}`,
      "--allow-loopback-in-peer-connection",
      "--disable-features=WebRtcHideLocalIpsWithMdns",
      "--autoplay-policy=no-user-gesture-required",
    ]);
  });
  after(async () => browser?.close());

  test("a candidate speaks with the AI interviewer, types an answer, finishes, and the call is recorded", async () => {
    const { token, applicationId, candidateId } = await invitation();
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
    // The vacancy's requirement comes up; a specific answer becomes evidence in the evaluation.
    await page.waitForFunction(() => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").includes("«Rust»"));
    await page.getByTestId("voice-answer").fill("На Rust я написал платёжный шлюз на tokio и axum: 2000 запросов в секунду, p99 15 мс, я вёл его два года.");
    await page.getByTestId("voice-answer-send").click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").includes("платёжный шлюз"));

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
    await staffWatchTheRecording(applicationId, candidateId);
  });

  test("when the candidate starts speaking the AI's voice stops at once", async () => {
    const token = await invite();
    const page = await candidatePage();
    await startCall(page, token);
    // Sample every 20 ms: the microphone's level (media-source) and the AI's packets.
    const bargeIn = await page.evaluate(async () => {
      const sample = async () => {
        let level = 0;
        let packets = 0;
        for (const pc of window.__pcs) {
          if (pc.connectionState === "closed") continue;
          (await pc.getStats()).forEach((r) => {
            if (r.type === "media-source" && r.kind === "audio") level = Math.max(level, r.audioLevel ?? 0);
            if (r.type === "inbound-rtp" && r.kind === "audio") packets += r.packetsReceived;
          });
        }
        return { t: performance.now(), level, packets };
      };
      const samples = [];
      const end = performance.now() + 25_000;
      while (performance.now() < end) {
        samples.push(await sample());
        await new Promise((r) => setTimeout(r, 20));
      }
      // Moments when the candidate starts speaking while the AI's packets are flowing, and
      // how long until the packets stop (no new one for 100 ms).
      const out = [];
      for (let i = 5; i < samples.length; i++) {
        const onset = samples[i].level > 0.05 && samples[i - 1].level <= 0.05;
        const flowing = samples[i].packets > samples[i - 5].packets;
        if (!onset || !flowing) continue;
        for (let j = i + 1; j < samples.length; j++) {
          const k = samples.findIndex((x) => x.t >= samples[j].t + 100);
          if (k < 0) break;
          if (samples[k].packets === samples[j].packets) {
            out.push(samples[j].t - samples[i].t);
            break;
          }
        }
      }
      return out;
    });
    assert.ok(bargeIn.length > 0, "the candidate spoke over the AI at least once");
    const worst = Math.max(...bargeIn);
    console.log(`barge-in in Chromium: ${bargeIn.map((x) => Math.round(x)).join(", ")} ms`);
    assert.ok(worst < 600, `the AI stopped within ${bargeIn.map((x) => Math.round(x)).join(", ")} ms of the candidate's speech`);
    await page.getByTestId("voice-finish").click();
    await page.getByTestId("voice-finish-confirm").click();
    await page.getByTestId("interview-thanks").waitFor();
    await page.context().close();
  });

  test("when the worker is full the candidate is told so and offered the chat", async () => {
    // run.sh starts the server with room for one call.
    const busy = await candidatePage();
    const first = await candidatePage();
    await startCall(first, await invite());
    const token = await invite();
    await busy.goto(`/i/${token}`);
    await busy.getByTestId("consent-checkbox").click();
    await busy.getByTestId("consent-submit").click();
    await busy.getByTestId("mode-voice").click();
    await busy.getByTestId("start-call").click();
    await busy.getByTestId("call-busy").waitFor();
    await shot(busy, "voice-busy");
    assert.ok(await busy.getByTestId("call-use-chat").isVisible(), "the chat is offered instead");
    await first.getByTestId("voice-finish").click();
    await first.getByTestId("voice-finish-confirm").click();
    await first.getByTestId("interview-thanks").waitFor();
    // The slot is free again: the waiting page gets in by itself, and is asked the question.
    await busy.getByTestId("voice-call").waitFor({ timeout: 60_000 });
    await busy.waitForFunction(() => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").length > 30, null, { timeout: 60_000 });
    await busy.getByTestId("voice-finish").click();
    await busy.getByTestId("voice-finish-confirm").click();
    await busy.getByTestId("interview-thanks").waitFor();
    await first.context().close();
    await busy.context().close();
  });

  test("a closed tab resumes the same interview at the same question", async () => {
    const { token, applicationId } = await invitation();
    const first = await candidatePage();
    await startCall(first, token);
    await first.waitForFunction((t) => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").includes(t), SPOKEN, { timeout: 45_000 });
    const before = await first.getByTestId("voice-transcript").textContent();
    // The tab is closed; the link is opened again in the same browser.
    const context = first.context();
    await first.close();
    const again = await context.newPage();
    again.setDefaultTimeout(30_000);
    await again.goto(`/i/${token}`);
    await again.getByTestId("start-call").click();
    await again.getByTestId("voice-call").waitFor();
    // What was said before is there again, once.
    await again.waitForFunction((t) => (document.querySelector('[data-testid="voice-transcript"]')?.textContent ?? "").includes(t), SPOKEN);
    const after = await again.getByTestId("voice-transcript").textContent();
    assert.ok(after.startsWith(before.slice(0, 80)), "the transcript continues where it was");
    const api = await apiSession("manager");
    const app = { id: applicationId };
    const during = await api("GET", `/api/applications/${applicationId}/history`);
    assert.equal(during.body.items.at(-1).to, "in_interview", "the application is still in the interview");
    await again.getByTestId("voice-finish").click();
    await again.getByTestId("voice-finish-confirm").click();
    await again.getByTestId("interview-thanks").waitFor();
    const h = await api("GET", `/api/applications/${app.id}/history`);
    const intoInterview = h.body.items.filter((e) => e.to === "in_interview").length;
    assert.equal(intoInterview, 1, "one interview in the status history, not two");
    // Both sessions are recorded, the dropped one up to its end, each a file of its own length.
    for (const rec of await joinedRecordings(api, app.id, 2)) await probeRecording(rec);
    await again.context().close();
  });
});
