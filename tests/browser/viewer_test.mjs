// End-to-end test of the chartscan web viewer in Debian's Chromium (playwright-core, no download).
//
//   node viewer_test.mjs [CHARTSCAN_BIN] [SCRATCH_DIR]
//
// Environment: CHARTSCAN_BIN (the chartscan binary), CHARTSCAN_SCRATCH (a directory the test may
// wipe and fill: the store, server log), CHARTSCAN_ARTIFACTS (screenshots; default
// SCRATCH/screenshots), CHARTSCAN_SAMPLES (default: samples/batch of this checkout),
// CHROMIUM (default /usr/bin/chromium). Arguments win over the environment.
//
// It builds a store from three committed sample files, adds an admin, a clerk and a technician,
// starts `chartscan serve --port 0`, and drives the viewer: failed login, role-dependent
// navigation, a keyboard-only search for a word taken from the samples' ground truth, the hit's
// highlight box checked against the ground truth's printed line and against the pixels under it,
// zoom and the original scan, the chart, the verification queue worked from the keyboard alone,
// batches, and the audit log (correction and login rows, hash chain) as admin. Exits 1 on the first
// failure with a message saying what was expected.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(process.argv[2] || process.env.CHARTSCAN_BIN || path.join(here, '../../build/dev/cli/chartscan'));
const SCRATCH = path.resolve(process.argv[3] || process.env.CHARTSCAN_SCRATCH || path.join(here, '../../build/browser-test'));
const ARTIFACTS = path.resolve(process.env.CHARTSCAN_ARTIFACTS || path.join(SCRATCH, 'screenshots'));
const SAMPLES = path.resolve(process.env.CHARTSCAN_SAMPLES || path.join(here, '../../samples/batch'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The word page comes from the clean progress note; the other two files bring review items
// (a doubtful ICD-10 code on a rotated page, a low-confidence date on a heavy one) and a second
// and third chart. (Until 2026-12-03 the light H&P and the lowres consent brought them; since
// doubtful numbers are read again on their own, their code and date read surely.)
const WORD_FILE = '0002-clean-progress_note.png';
const FILES = [WORD_FILE, '0009-rotated-progress_note.jpg', '0004-heavy-operative_report.jpg'];
const STORE = path.join(SCRATCH, 'store');
const TIMEOUT = 20000;

// Browser console noise we expect: the network log line Chromium prints for answers the test
// provokes on purpose (401 before login and for the wrong password, 400 for an invalid
// correction, 403 for a technician reaching for the queue). Anything else fails the test.
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of (400|401|403) /;

let step = 'setup';
const openPages = [];  // the newest open one is photographed when a check fails
let server = null;
let browser = null;
const consoleProblems = [];

function log(msg) {
  process.stdout.write(`${msg}\n`);
}
function ok(msg) {
  log(`ok - ${msg}`);
}
function begin(name) {
  step = name;
  log(`# ${name}`);
}

// Failures that do not stop the run (so one gap in the server does not hide the rest); reported
// at the end, and they fail the test just the same.
const laterFailures = [];
function later(cond, message) {
  if (!cond) {
    laterFailures.push(`[${step}] ${message}`);
    log(`not ok - ${message}`);
  }
}

function check(cond, message) {
  if (!cond) throw new assert.AssertionError({ message });
}

// ---- PNG decoding (8-bit RGB/RGBA, as Chromium's screenshots are) -------------------------------

function decodePng(buf) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  check(buf.subarray(0, 8).equals(sig), 'screenshot is not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let depth = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      colorType = data[9];
      check(data[12] === 0, 'interlaced PNG screenshots are not supported');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
  check(depth === 8 && channels, `unsupported PNG (depth ${depth}, colour type ${colorType})`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

function luminanceStats(png) {
  let dark = 0;
  let light = 0;
  const n = png.width * png.height;
  for (let i = 0; i < n; i++) {
    const o = i * png.channels;
    const lum = png.channels >= 3 ? 0.299 * png.data[o] + 0.587 * png.data[o + 1] + 0.114 * png.data[o + 2] : png.data[o];
    if (lum < 110) dark++;
    else if (lum > 170) light++;
  }
  return { dark: dark / n, light: light / n, n };
}

// ---- Setup ---------------------------------------------------------------------------------------

function run(args, { input, timeout = 120000 } = {}) {
  const r = spawnSync(BIN, args, { input, timeout, encoding: 'utf8' });
  if (r.error) throw new Error(`${path.basename(BIN)} ${args[0]}: ${r.error.message}`);
  return r;
}

function password() {
  return `pw-${randomBytes(12).toString('base64url')}`;
}

function loadTruth(file) {
  return JSON.parse(fs.readFileSync(path.join(SAMPLES, `${file}.truth.json`), 'utf8'));
}

// Distinctive lower-case words of the word page's body, in reading order: on that page once and
// on no other ingested page, at least seven letters, not in the identity block at the top.
function candidateWords() {
  const truth = loadTruth(WORD_FILE);
  const page = truth.pages[0];
  const others = FILES.filter((f) => f !== WORD_FILE).map((f) => loadTruth(f).pages.map((p) => p.text.toLowerCase()).join('\n'));
  const count = (text, w) => (text.match(new RegExp(`\\b${w}\\b`, 'gi')) || []).length;
  const words = [];
  for (const line of page.lines.slice(9)) {
    for (const w of line.text.split(/[^A-Za-z]+/)) {
      if (w.length < 7 || w !== w.toLowerCase()) continue;
      if (count(page.text, w) !== 1 || others.some((t) => count(t, w) > 0)) continue;
      if (!words.some((x) => x.word === w)) words.push({ word: w, line });
    }
  }
  check(words.length >= 3, `ground truth of ${WORD_FILE} has too few distinctive words`);
  return { truth, page, words };
}

async function startServer() {
  const child = spawn(BIN, ['serve', '--store', STORE, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = fs.createWriteStream(path.join(SCRATCH, 'serve.log'));
  child.stderr.pipe(logFile);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`chartscan serve printed no "listening on" line within 30 s (stdout so far: ${JSON.stringify(out)}; see ${path.join(SCRATCH, 'serve.log')})`)), 30000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      logFile.write(d);
      const m = out.match(/chartscan viewer listening on (http:\/\/127\.0\.0\.1:(\d+))/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`chartscan serve exited early (code ${code}, signal ${signal}); see ${path.join(SCRATCH, 'serve.log')}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, url };
}

async function stopServer() {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// ---- Browser helpers -----------------------------------------------------------------------------

async function newPage(width = 1366, height = 768) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (m) => {
    if (m.type() === 'error' && !EXPECTED_CONSOLE.test(m.text())) consoleProblems.push(`[${step}] console: ${m.text()}`);
    if (m.type() === 'warning' && /Content.Security.Policy|CSP/i.test(m.text())) consoleProblems.push(`[${step}] CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`[${step}] uncaught: ${e.message}`));
  openPages.push(page);
  return page;
}

async function shot(page, name, fullPage = false) {
  // Let the status toast fade so it does not cover the screen in the picture.
  await page.evaluate(() => document.getElementById('status')?.classList.remove('visible'));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

async function login(page, base, name, pass) {
  await page.goto(`${base}/`);
  await page.locator('form.login-form').waitFor();
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(pass);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/#\/search/);
  await page.locator('#search-q').waitFor();
}

// Loads the viewer afresh at a hash. (Changing only the hash of a loaded page would race: the URL
// changes before the hashchange event replaces the screen, so the old screen could be inspected.)
async function open(page, base, hash) {
  await page.goto('about:blank');
  await page.goto(`${base}/${hash}`);
}

async function navLabels(page) {
  return page.locator('#nav-list a').allTextContents();
}

async function noHorizontalOverflow(page, what) {
  const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(sw <= iw + 1, `${what}: the page is ${sw} px wide in a ${iw} px viewport (content cut off or sideways scrolling)`);
}

// Tabs until the element matching `selector` has focus; returns the number of presses.
async function tabTo(page, selector, max = 60) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return i;
  }
  throw new assert.AssertionError({ message: `${max} presses of Tab did not reach ${selector}` });
}

async function apiJson(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, url);
}

// ---- The test ------------------------------------------------------------------------------------

async function main() {
  check(fs.existsSync(BIN), `no chartscan binary at ${BIN} (pass it as the first argument or CHARTSCAN_BIN)`);
  check(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
  fs.rmSync(STORE, { recursive: true, force: true });
  fs.mkdirSync(SCRATCH, { recursive: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  log(`chartscan ${BIN}\nscratch ${SCRATCH}\nscreenshots ${ARTIFACTS}`);

  begin('store');
  const t0 = Date.now();
  const ingest = run(['ingest', '--store', STORE, ...FILES.map((f) => path.join(SAMPLES, f))], { timeout: 180000 });
  check(ingest.status === 0, `ingest exited ${ingest.status}:\n${ingest.stderr}`);
  ok(`ingested ${FILES.length} sample files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const users = { admin: ['e2e-admin', 'admin'], clerk: ['e2e-clerk', 'clerk'], tech: ['e2e-tech', 'technician'] };
  const pw = {};
  for (const [key, [name, role]] of Object.entries(users)) {
    pw[key] = password();
    const r = run(['users', 'add', name, '--role', role, '--password-stdin', '--store', STORE], { input: `${pw[key]}\n` });
    check(r.status === 0, `users add ${name} exited ${r.status}:\n${r.stderr}`);
  }
  ok('added an admin, a clerk and a technician');

  begin('serve');
  server = await startServer();
  const base = server.url;
  ok(`chartscan serve listening at ${base}`);

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });

  // ---- login: failure shown, then success -------------------------------------------------------
  begin('login');
  const clerk = await newPage();
  await clerk.goto(`${base}/`);
  await clerk.locator('form.login-form').waitFor();
  await shot(clerk, 'login');
  await clerk.getByLabel('User name').fill(users.clerk[0]);
  await clerk.getByLabel('Password').fill(`${pw.clerk}-wrong`);
  await clerk.getByLabel('Password').press('Enter');
  const loginError = clerk.locator('#login-error');
  await loginError.waitFor({ state: 'visible' });
  const loginErrorText = (await loginError.textContent()).trim();
  check(loginErrorText.length > 0, 'a failed login shows no error text');
  check(/#\/login/.test(clerk.url()), 'a failed login left the login screen');
  ok(`failed login shows "${loginErrorText}"`);
  await clerk.getByLabel('User name').fill(users.clerk[0]);
  await clerk.getByLabel('Password').fill(pw.clerk);
  await clerk.getByLabel('Password').press('Enter');
  await clerk.waitForURL(/#\/search/);
  check((await navLabels(clerk)).join(',') === 'Search,Batches,Review', `clerk's navigation is ${await navLabels(clerk)}`);
  ok('clerk lands on search; navigation: Search, Batches, Review');

  // ---- technician ----------------------------------------------------------------------------------
  begin('technician');
  const tech = await newPage();
  await login(tech, base, users.tech[0], pw.tech);
  const techNav = await navLabels(tech);
  check(techNav.includes('Search') && techNav.includes('Batches'), `technician's navigation lacks Search or Batches: ${techNav}`);
  check(!techNav.includes('Review') && !techNav.includes('Admin'), `technician's navigation shows ${techNav}`);
  await open(tech, base, `#/review`);
  await tech.getByText('Your role does not allow this.').waitFor();
  const techReview = await apiJson(tech, '/api/review');
  check(techReview.status === 403, `GET /api/review as technician answered ${techReview.status}, expected 403`);
  ok('technician sees neither Review nor Admin; #/review says the role does not allow it (server: 403)');
  await tech.context().close();

  // ---- search from the keyboard --------------------------------------------------------------------
  begin('search');
  const { truth, page: truthPage, words } = candidateWords();
  await open(clerk, base, '#/search');
  await clerk.locator('#search-q').waitFor();
  // From the top of the page: the skip link is the first stop, then the navigation.
  await clerk.locator('#skip-link').focus();
  const tabsToBox = await tabTo(clerk, '#search-q', 12);
  await clerk.locator('#skip-link').focus();
  await clerk.keyboard.press('Enter');
  await tabTo(clerk, '#search-q', 1);
  ok(`Tab reaches the search box (${tabsToBox} presses from the skip link; 1 after following it)`);
  let chosen = null;
  for (const cand of words.slice(0, 5)) {
    await clerk.keyboard.press('Control+A');
    await clerk.keyboard.type(cand.word);
    await clerk.keyboard.press('Enter');
    await clerk.locator('#results-title').waitFor();
    await clerk.waitForFunction(() => !document.querySelector('#results .loading'));
    const count = await clerk.locator('.hit-link').count();
    if (count > 0) {
      chosen = cand;
      break;
    }
    log(`  (no hit for "${cand.word}", OCR may have misread it; trying the next word)`);
    await clerk.locator('#search-q').focus();
  }
  check(chosen, `none of ${words.slice(0, 5).map((w) => w.word)} (from ${WORD_FILE}'s ground truth) was found`);
  const word = chosen.word;
  const countText = (await clerk.locator('.result-count').textContent()).trim();
  check(/^1 page$/.test(countText), `searching "${word}" (once on one page) shows "${countText}"`);
  const firstHit = clerk.locator('.hit-link').first();
  check((await firstHit.textContent()).includes(WORD_FILE), `the first hit for "${word}" is not on ${WORD_FILE}`);
  check((await firstHit.locator('mark').first().textContent()).toLowerCase().includes(word), `the snippet does not mark "${word}"`);
  const thumb = firstHit.locator('img.thumb');
  check(((await thumb.getAttribute('alt')) || '').length > 0, 'the thumbnail has no alt text');
  await clerk.waitForFunction(() => { const i = document.querySelector('.hit-link img.thumb'); return i && i.complete && i.naturalWidth > 0; });
  check(await clerk.locator('.chart-header .patient-name').count() >= 1, 'results have no chart header');
  ok(`"${word}" (ground truth of ${WORD_FILE}) found: "${countText}", snippet marked, thumbnail loaded`);
  await shot(clerk, 'search-results');
  await tabTo(clerk, '.hit-link');
  ok('Tab reaches the first result');
  await clerk.keyboard.press('Enter');
  await clerk.waitForURL(/#\/page\/\d+/);
  ok('Enter opens the hit in the page view');

  // ---- page view: the highlight lies over the word -------------------------------------------------
  begin('page view');
  const pageId = Number(clerk.url().match(/#\/page\/(\d+)/)[1]);
  await clerk.locator('.hit-box').first().waitFor({ state: 'attached' });
  await clerk.waitForFunction(() => { const i = document.querySelector('img.page-image'); return i && i.complete && i.naturalWidth > 0; });
  const api = await apiJson(clerk, `/api/pages/${pageId}?q=${encodeURIComponent(word)}`);
  check(api.status === 200, `GET /api/pages/${pageId} answered ${api.status}`);
  const pg = api.body;
  check(pg.source.endsWith(WORD_FILE), `page ${pageId} is from ${pg.source}, not ${WORD_FILE}`);
  const boxes = await clerk.locator('.hit-box').evaluateAll((els) => els.map((e) => Number(e.dataset.word)));
  check(boxes.length === (pg.hits || []).length, `${boxes.length} hit boxes drawn for ${(pg.hits || []).length} hits`);
  const wordIdx = boxes.find((i) => pg.words[i] && pg.words[i].text.toLowerCase().replace(/[^a-z]/g, '') === word);
  check(wordIdx !== undefined, `no hit box is on a word reading "${word}" (boxes on ${boxes.map((i) => pg.words[i]?.text)})`);
  const w = pg.words[wordIdx];
  const box = clerk.locator(`.hit-box[data-word="${wordIdx}"]`);

  async function boxInImage() {
    await box.evaluate((e) => e.scrollIntoView({ block: 'center', inline: 'center' }));
    return clerk.evaluate((i) => {
      const b = document.querySelector(`.hit-box[data-word="${i}"]`).getBoundingClientRect();
      const img = document.querySelector('img.page-image').getBoundingClientRect();
      return { b: { x: b.x, y: b.y, w: b.width, h: b.height }, img: { x: img.x, y: img.y, w: img.width, h: img.height } };
    }, wordIdx);
  }
  // In the displayed image's pixel coordinates, the box must be the word's OCR box.
  async function checkAgainstWordBox(what) {
    const { b, img } = await boxInImage();
    const sx = pg.width / img.w;
    const sy = pg.height / img.h;
    const got = { x: (b.x - img.x) * sx, y: (b.y - img.y) * sy, w: b.w * sx, h: b.h * sy };
    const tol = Math.max(3, 2 * sx);
    for (const k of ['x', 'y', 'w', 'h']) {
      check(Math.abs(got[k] - w[k]) <= tol, `${what}: hit box ${k}=${got[k].toFixed(1)} in image pixels, word box ${k}=${w[k]} (tolerance ${tol.toFixed(1)})`);
    }
    return { b, img, got };
  }
  const { b: screenBox, got } = await checkAgainstWordBox('fit');
  ok(`hit box matches the OCR word box of "${w.text}" at [${w.x}, ${w.y}, ${w.w}, ${w.h}]`);

  // Against the ground truth: where the generator printed the line holding the word.
  const [a, bb, c, d, e, f] = truthPage.page_to_image;
  const s = pg.width / truthPage.width;
  check(truthPage.orientation === 0 && Math.abs(pg.height / truthPage.height - s) < 0.02 * s,
    `cleaned image ${pg.width}x${pg.height} is not a plain scale of the ${truthPage.width}x${truthPage.height} truth page`);
  const [lx, ly, lw, lh] = chosen.line.bbox;
  const corners = [[lx, ly], [lx + lw, ly], [lx, ly + lh], [lx + lw, ly + lh]].map(([x, y]) => [(a * x + bb * y + c) * s, (d * x + e * y + f) * s]);
  const line = {
    x0: Math.min(...corners.map((p) => p[0])), x1: Math.max(...corners.map((p) => p[0])),
    y0: Math.min(...corners.map((p) => p[1])), y1: Math.max(...corners.map((p) => p[1])),
  };
  const cx = got.x + got.w / 2;
  const cy = got.y + got.h / 2;
  const margin = 6 * s;
  check(cy >= line.y0 - margin && cy <= line.y1 + margin,
    `hit box centre y=${cy.toFixed(0)} is outside the truth line "${chosen.line.text}" (y ${line.y0.toFixed(0)}..${line.y1.toFixed(0)})`);
  check(cx >= line.x0 - margin && cx <= line.x1 + margin,
    `hit box centre x=${cx.toFixed(0)} is outside the truth line (x ${line.x0.toFixed(0)}..${line.x1.toFixed(0)})`);
  // Along the line: the word's share of the characters before it predicts where it starts.
  const at = chosen.line.text.toLowerCase().search(new RegExp(`\\b${word}\\b`));
  const expectedCx = line.x0 + ((at + word.length / 2) / chosen.line.text.length) * (line.x1 - line.x0);
  check(Math.abs(cx - expectedCx) <= 0.12 * (line.x1 - line.x0),
    `hit box centre x=${cx.toFixed(0)} is far from where "${word}" was printed in its line (about x=${expectedCx.toFixed(0)})`);
  ok(`hit box lies on the printed line of the ground truth ("${chosen.line.text.slice(0, 40)}…") where "${word}" was printed`);

  // The pixels under the box: dark ink on light paper (boxes hidden for the picture).
  await clerk.evaluate(() => document.querySelectorAll('.hit-box').forEach((el) => { el.style.visibility = 'hidden'; }));
  const inset = 2;
  const crop = await clerk.screenshot({ clip: { x: screenBox.x + inset, y: screenBox.y + inset, width: Math.max(4, screenBox.w - 2 * inset), height: Math.max(4, screenBox.h - 2 * inset) } });
  fs.writeFileSync(path.join(ARTIFACTS, 'hit-crop.png'), crop);
  const stats = luminanceStats(decodePng(crop));
  check(stats.dark >= 0.04 && stats.dark <= 0.75, `under the hit box ${(stats.dark * 100).toFixed(1)}% of the pixels are dark: not a printed word`);
  check(stats.light >= 0.2, `under the hit box only ${(stats.light * 100).toFixed(1)}% of the pixels are light paper`);
  await clerk.evaluate(() => document.querySelectorAll('.hit-box').forEach((el) => { el.style.visibility = ''; }));
  ok(`screenshot under the hit box: ${(stats.dark * 100).toFixed(0)}% dark ink, ${(stats.light * 100).toFixed(0)}% light paper`);
  await clerk.locator('h1').first().focus();
  await shot(clerk, 'page-view');

  // Zoom keeps the box on the word; the viewport pans with the arrow keys.
  await clerk.keyboard.press('+');
  await clerk.keyboard.press('+');
  await checkAgainstWordBox('zoomed in');
  await clerk.locator('.viewport').focus();
  const before = await clerk.locator('.viewport').evaluate((v) => [v.scrollLeft, v.scrollTop]);
  await clerk.keyboard.press('ArrowDown');
  await clerk.keyboard.press('ArrowRight');
  const after = await clerk.locator('.viewport').evaluate((v) => [v.scrollLeft, v.scrollTop]);
  check(after[0] !== before[0] || after[1] !== before[1], 'arrow keys on the focused image do not pan');
  await clerk.keyboard.press('0');
  await checkAgainstWordBox('fit again');
  ok('zoom in and fit keep the box on the word; arrow keys pan the focused image');

  if (pg.has_original) {
    await clerk.keyboard.press('o');
    await clerk.waitForFunction(() => document.querySelector('img.page-image').src.includes('kind=original'));
    await clerk.waitForFunction(() => { const i = document.querySelector('img.page-image'); return i.complete && i.naturalWidth > 0; });
    check(!(await clerk.locator('.hit-box').first().isVisible()), 'hit boxes are still shown on the original scan');
    check(/hidden/i.test(await clerk.locator('.image-note').textContent()), 'the original scan view does not say the boxes are hidden');
    await clerk.keyboard.press('o');
    await clerk.waitForFunction(() => document.querySelector('img.page-image').src.includes('kind=cleaned'));
    await box.waitFor({ state: 'visible' });
    ok('o shows the original scan without boxes (and says so), o again returns to the cleaned image');
  }
  const textMark = (await clerk.locator('.ocr-text mark').first().textContent()).toLowerCase();
  check(textMark.includes(word), `the recognized text does not mark "${word}"`);
  ok('recognized text beside the image marks the hit');

  // Previous/next hit across the results of a word printed on every ingested page.
  const sets = FILES.map((fl) => new Set(loadTruth(fl).pages.flatMap((p) => p.text.toLowerCase().match(/[a-z]{6,}/g) || [])));
  const common = [...sets[0]].filter((x) => sets.every((st) => st.has(x))).sort((x, y) => y.length - x.length || x.localeCompare(y))[0];
  check(common, 'no word is printed on every sample page');
  await open(clerk, base, `#/search?q=${common}`);
  await clerk.locator('.hit-link').first().waitFor();
  const hitCount = await clerk.locator('.hit-link').count();
  check(hitCount >= 2, `"${common}" (on all ${FILES.length} sample pages) found on ${hitCount} page(s)`);
  const hitPages = await clerk.locator('.hit-link').evaluateAll((as) => as.map((x) => Number(x.getAttribute('href').match(/#\/page\/(\d+)/)[1])));
  await clerk.locator('.hit-link').first().click();
  // The URL changes before the hashchange event renders the next page: wait for the page itself.
  const hitAt = (n) => clerk.locator('.hit-position', { hasText: `Hit ${n} of ${hitCount}` }).waitFor();
  await clerk.waitForURL(/[?&]hit=0/);
  await hitAt(1);
  await clerk.keyboard.press('n');
  await clerk.waitForURL(/[?&]hit=1/);
  await hitAt(2);
  check(clerk.url().includes(`#/page/${hitPages[1]}?`), `n went to ${clerk.url()}, not to the second hit's page ${hitPages[1]}`);
  await clerk.keyboard.press('p');
  await clerk.waitForURL(/[?&]hit=0/);
  await hitAt(1);
  check(clerk.url().includes(`#/page/${hitPages[0]}?`), `p went to ${clerk.url()}, not back to page ${hitPages[0]}`);
  ok(`n and p walk the ${hitCount} hits of "${common}" page by page`);
  await open(clerk, base, `#/page/${pageId}?q=${encodeURIComponent(word)}`);
  await clerk.locator('.hit-box').first().waitFor({ state: 'attached' });

  // ---- chart -------------------------------------------------------------------------------------
  begin('chart');
  check(pg.chart_id > 0, `page ${pageId} is in no chart`);
  await clerk.locator('.crumbs a', { hasText: 'Chart' }).click();
  await clerk.waitForURL(/#\/chart\/\d+/);
  await clerk.locator('.patient-header').waitFor();
  const header = await clerk.locator('.patient-header').textContent();
  check(header.includes(truthPage.patient.mrn), `chart header lacks the MRN ${truthPage.patient.mrn} printed on the page`);
  check(header.includes(truthPage.patient.dob), `chart header lacks the date of birth ${truthPage.patient.dob}`);
  const docLink = clerk.locator('a.doc-open').first();
  check(await docLink.count() === 1 || await clerk.locator('a.doc-open').count() >= 1, 'chart lists no document opening a page');
  await shot(clerk, 'chart');
  await docLink.click();
  await clerk.waitForURL(/#\/page\/\d+/);
  await clerk.locator('img.page-image').waitFor();
  ok(`chart shows MRN ${truthPage.patient.mrn} and DOB; its document opens in the page view`);

  // ---- verification from the keyboard ------------------------------------------------------------
  begin('review');
  await open(clerk, base, `#/review`);
  const options = clerk.locator('.queue [role="option"]');
  await options.first().waitFor();
  const n0 = await options.count();
  const focusedQueue = await clerk.evaluate(() => document.activeElement?.classList.contains('queue'));
  check(focusedQueue, 'the queue does not have keyboard focus when it opens');
  await clerk.waitForFunction(() => { const i = document.querySelector('img.evidence'); return i && i.complete && i.naturalWidth > 0; });
  await shot(clerk, 'review', true);
  if (n0 > 1) {
    await clerk.keyboard.press('j');
    check(await options.nth(1).getAttribute('aria-selected') === 'true', 'j does not move to the next item');
    await clerk.keyboard.press('k');
    check(await options.nth(0).getAttribute('aria-selected') === 'true', 'k does not move back');
  }
  const itemId = await options.nth(0).getAttribute('data-item');
  const queue = await apiJson(clerk, '/api/review?offset=0&limit=50');
  const item = queue.body.items.find((x) => x.item_id === itemId);
  check(item, `item ${itemId} shown first is not in GET /api/review`);
  await clerk.keyboard.press('c');
  const input = clerk.locator('.correction-input');
  await input.waitFor();
  check(await input.evaluate((el) => el === document.activeElement), 'c does not focus the correction input');
  check([item.normalized, item.value].includes(await input.inputValue()), 'the correction input is not pre-filled with the value');
  // Esc cancels without saving.
  await clerk.keyboard.press('Escape');
  await input.waitFor({ state: 'detached' });
  check(await options.count() === n0, 'Esc resolved the item');
  // An invalid value gets the server's sentence.
  const invalid = { icd10: 'QQQ.QQ9', cpt: 'ABCDE', dob: '2019-13-45', date_of_service: '2019-13-45', admission_date: '2019-13-45',
    discharge_date: '2019-13-45', signature_date: '2019-13-45', provider_npi: '1234567890' }[item.field];
  await clerk.keyboard.press('c');
  await input.waitFor();
  if (invalid) {
    await clerk.keyboard.press('Control+A');
    await clerk.keyboard.type(invalid);
    await clerk.keyboard.press('Enter');
    const err = clerk.locator('.correction-form .error');
    await err.waitFor({ state: 'visible' });
    const errText = (await err.textContent()).trim();
    check(errText.length > 0, 'an invalid correction shows no message');
    check(await input.evaluate((el) => el === document.activeElement), 'after an invalid value the input lost focus');
    ok(`invalid ${item.field} "${invalid}" refused with "${errText}"`);
  }
  // The right value: what the generator printed for this field, else the extracted normalization.
  const truthFields = [...FILES.flatMap((fl) => loadTruth(fl).pages.flatMap((p) => p.fields))].filter((x) => x.name === item.field);
  const norm = (v) => String(v || '').toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/O/g, '0');
  const truthField = truthFields.find((x) => norm(x.normalized) === norm(item.normalized) || norm(x.value) === norm(item.value));
  const corrected = truthField ? truthField.normalized : (item.normalized || item.value);
  await clerk.keyboard.press('Control+A');
  await clerk.keyboard.type(corrected);
  await clerk.keyboard.press('Enter');
  await clerk.waitForFunction((n) => document.querySelectorAll('.queue [role="option"]').length === n - 1 || (n === 1 && document.querySelector('.queue-empty')), n0);
  await clerk.locator('.resolved-list li').first().waitFor();
  const resolvedLine = await clerk.locator('.resolved-list li').first().textContent();
  check(await clerk.evaluate(() => document.activeElement?.classList.contains('queue')), 'after saving, focus is not back on the queue');
  check(resolvedLine.includes(`by ${users.clerk[0]}`), `the queue does not say who resolved the item: "${resolvedLine}"`);
  const queueAfter = await apiJson(clerk, '/api/review?offset=0&limit=100');
  check(!queueAfter.body.items.some((x) => x.item_id === itemId), `item ${itemId} is still in GET /api/review after the correction`);
  ok(`corrected ${item.field} to "${corrected}" with c, typing and Enter; queue ${n0} -> ${n0 - 1}, focus back on the queue; "${resolvedLine}"`);
  // API.md: the document's fields carry verified_by/verified_at and the corrected value.
  const docAfter = await apiJson(clerk, `/api/documents/${item.document_id}`);
  const fieldsAfter = (docAfter.body.fields || []).filter((x) => x.name === item.field);
  const fieldAfter = fieldsAfter.find((x) => x.verified_by);
  later(fieldAfter, `GET /api/documents/${item.document_id}: no ${item.field} field carries verified_by after the correction (API.md lists verified_by and verified_at; fields have keys ${Object.keys(fieldsAfter[0] || {})})`);
  if (fieldAfter) {
    later(fieldAfter.verified_by === users.clerk[0], `GET /api/documents/${item.document_id}: the correction is recorded as by ${fieldAfter.verified_by}, not ${users.clerk[0]}`);
    later(norm(fieldAfter.normalized) === norm(corrected), `GET /api/documents/${item.document_id}: ${item.field} reads ${fieldAfter.normalized} after the correction to ${corrected}`);
  }
  if (n0 > 1) {
    const nextId = await options.nth(0).getAttribute('data-item');
    await clerk.keyboard.press('a');
    await clerk.waitForFunction((id) => !document.querySelector(`.queue [data-item="${CSS.escape(id)}"]`), nextId);
    ok('a accepts the next item and it leaves the queue');
  }

  // ---- the patient index ---------------------------------------------------------------------------
  begin('patient index');
  // The facility's roster (invented, like every patient here) spells the word page's patient
  // otherwise: her chart still finds her by MRN, and the name read goes to review with the
  // roster's value one click away.
  const indexed = loadTruth(WORD_FILE).pages[0].patient;
  const rosterGiven = `${indexed.first}e`;
  const rosterFile = path.join(SCRATCH, 'roster.csv');
  fs.writeFileSync(rosterFile, `mrn,last,first,dob\n${indexed.mrn},${indexed.last},${rosterGiven},${indexed.dob}\n`);
  const imported = run(['patients', 'import', '--store', STORE, rosterFile]);
  check(imported.status === 0, `patients import failed: ${imported.stderr}`);
  check(/Values differing from the roster, to verify: 1\b/.test(imported.stdout), `patients import did not report the name to verify: ${imported.stdout}`);
  const rosterName = `${rosterGiven} ${indexed.last}`.toUpperCase();
  const indexQueue = await apiJson(clerk, '/api/review?offset=0&limit=100');
  const offIndex = indexQueue.body.items.find((x) => x.reason === 'differs from the patient index');
  check(offIndex && offIndex.field === 'patient_name', `no patient_name item differs from the patient index: ${JSON.stringify(indexQueue.body.items.map((x) => [x.field, x.reason]))}`);
  check(offIndex.roster_value === rosterName, `the item's roster_value is ${offIndex.roster_value}, not ${rosterName}`);
  await open(clerk, base, `#/review`);
  const offIndexOption = clerk.locator(`.queue [data-item="${offIndex.item_id}"]`);
  await offIndexOption.click();
  const useIndex = clerk.getByRole('button', { name: 'Use the patient index value' });
  await useIndex.waitFor();
  check((await clerk.locator('.detail, main').first().textContent()).includes(rosterName), 'the detail does not show the roster value');
  await useIndex.click();
  await offIndexOption.waitFor({ state: 'detached' });
  const indexDoc = await apiJson(clerk, `/api/documents/${offIndex.document_id}`);
  const indexField = (indexDoc.body.fields || []).find((x) => x.name === 'patient_name' && x.verified_by);
  check(indexField && indexField.normalized === rosterName, `after using the index value, patient_name reads ${indexField && indexField.normalized}`);
  ok(`a name read otherwise than the roster ("${offIndex.normalized}") went to review as differing from the patient index; one click took the roster's "${rosterName}"`);

  // ---- batches -----------------------------------------------------------------------------------
  begin('batches');
  await clerk.locator('#nav-list a', { hasText: 'Batches' }).click();
  await clerk.waitForURL(/#\/batches/);
  const batchLink = clerk.locator('table a[href^="#/batch/"]').first();
  await batchLink.waitFor();
  await shot(clerk, 'batches');
  await batchLink.click();
  await clerk.waitForURL(/#\/batch\/\d+/);
  await clerk.getByRole('heading', { name: /Pages to rescan/ }).waitFor();
  await shot(clerk, 'batch', true);
  ok('batches list and batch detail render');

  // ---- narrow window (a laptop at 200% zoom) --------------------------------------------------------
  begin('200% zoom');
  const hash = (await clerk.evaluate(() => JSON.parse(sessionStorage.getItem('chartscan.lastSearch') || '{}').hash)) || `#/search?q=${word}`;
  await clerk.setViewportSize({ width: 683, height: 384 });
  await open(clerk, base, hash);
  await clerk.locator('.hit-link').first().waitFor();
  await noHorizontalOverflow(clerk, 'search results at 683 px');
  await shot(clerk, 'search-results-683px', true);
  await open(clerk, base, `#/page/${pageId}?q=${encodeURIComponent(word)}`);
  await clerk.locator('.hit-box').first().waitFor({ state: 'attached' });
  await clerk.waitForFunction(() => { const i = document.querySelector('img.page-image'); return i && i.complete && i.naturalWidth > 0; });
  await noHorizontalOverflow(clerk, 'page view at 683 px');
  await checkAgainstWordBox('683 px');
  await shot(clerk, 'page-view-683px');
  await open(clerk, base, `#/review`);
  await clerk.locator('.queue').waitFor();
  await noHorizontalOverflow(clerk, 'review at 683 px');
  ok('search, page view and review fit a 683 px window; the box still matches the word');
  await clerk.setViewportSize({ width: 1366, height: 768 });

  // ---- logout --------------------------------------------------------------------------------------
  begin('logout');
  await clerk.getByRole('button', { name: 'Log out' }).click();
  await clerk.locator('form.login-form').waitFor();
  const me = await apiJson(clerk, '/api/me');
  check(me.status === 401, `GET /api/me after logout answered ${me.status}`);
  await open(clerk, base, `#/review`);
  await clerk.locator('form.login-form').waitFor();
  ok('logout returns to the login screen; the session is gone (401) and screens ask to sign in');
  await clerk.context().close();

  // ---- admin: users and the audit log --------------------------------------------------------------
  begin('admin');
  const admin = await newPage();
  await login(admin, base, users.admin[0], pw.admin);
  check((await navLabels(admin)).join(',') === 'Search,Batches,Review,Admin', `admin's navigation is ${await navLabels(admin)}`);
  await admin.locator('#nav-list a', { hasText: 'Admin' }).click();
  await admin.waitForURL(/#\/admin/);
  await admin.locator('.chain').waitFor();
  await admin.waitForFunction(() => document.querySelector('.chain').textContent.length > 0);
  check(await admin.locator('.chain.chain-ok').count() === 1, `the audit chain is not shown intact: ${await admin.locator('.chain').textContent()}`);
  for (const [name] of Object.values(users)) {
    await admin.locator('table th[scope="row"]', { hasText: name }).first().waitFor();
  }
  // Add a user from the form.
  await admin.getByLabel('Name', { exact: true }).fill('e2e-new-tech');
  await admin.getByLabel('Role', { exact: true }).selectOption('technician');
  await admin.getByLabel('Password', { exact: true }).fill(password());
  await admin.getByRole('button', { name: 'Add user' }).click();
  await admin.locator('table th[scope="row"]', { hasText: 'e2e-new-tech' }).waitFor();
  ok('admin sees the users and adds one from the form');

  // Walk the audit log (from the start, after a refresh) for the user just added, the correction
  // and the clerk's logins.
  await admin.getByRole('button', { name: 'Refresh' }).click();
  await admin.waitForFunction(() => !document.querySelector('section .loading'));
  const seen = [];
  const auditRows = admin.locator('section[aria-labelledby="audit-title"] tbody tr');
  await auditRows.first().waitFor();
  for (let pageNo = 0; pageNo < 50; pageNo++) {
    await admin.locator('.chain').waitFor();
    await admin.waitForFunction(() => !document.querySelector('section .loading'));
    const rows = await auditRows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    seen.push(...rows);
    const next = admin.getByRole('button', { name: 'Later →' });
    if (await next.isDisabled()) break;
    await next.click();
    await admin.waitForFunction((first) => {
      const c = document.querySelector('section[aria-labelledby="audit-title"] tbody tr td');
      return c && c.textContent !== first;
    }, rows[0]?.[0] ?? '');
  }
  check(seen.some((r) => r[2] === users.admin[0] && /user/i.test(r[3]) && `${r[4]} ${r[5]}`.includes('e2e-new-tech')),
    `no audit row by ${users.admin[0]} for adding e2e-new-tech`);
  const clerkName = users.clerk[0];
  const byClerk = seen.filter((r) => r[2] === clerkName);
  const correction = byClerk.find((r) => /correct/i.test(r[3]));
  check(correction, `no correction row by ${clerkName} in the audit log (clerk's actions: ${[...new Set(byClerk.map((r) => r[3]))]})`);
  const logins = seen.filter((r) => /login/i.test(r[3]) && (r[2] === clerkName || r[4].includes(clerkName) || r[5].includes(clerkName)));
  check(logins.length >= 2, `expected a failed and a successful login row for ${clerkName}, found ${logins.length}`);
  check(logins.some((r) => /fail|denied|wrong|refused/i.test(`${r[3]} ${r[5]}`)), `no failed-login row for ${clerkName} (login rows: ${logins.map((r) => `${r[3]} ${r[5]}`)})`);
  // Searches are audited with their query, but page text never is: a distinctive word of the page
  // that nobody searched for must not appear.
  const unsearched = words[words.length - 1].word;
  check(words.length - 1 > words.indexOf(chosen), 'no unsearched word left to check the audit log with');
  const ocrInAudit = seen.find((r) => r.join(' ').toLowerCase().includes(unsearched));
  check(!ocrInAudit, `the audit log contains "${unsearched}", a word of page ${pageId}'s text nobody searched for (row ${ocrInAudit})`);
  ok(`audit log (${seen.length} rows, chain intact): correction row "${correction[3]} ${correction[4]}", ${logins.length} login rows for ${clerkName}`);
  const oldest = admin.getByRole('button', { name: '« Oldest' });
  if (await oldest.isEnabled()) await oldest.click();
  await admin.waitForFunction(() => !document.querySelector('section .loading'));
  await shot(admin, 'admin', true);
  await admin.context().close();

  check(laterFailures.length === 0, `${laterFailures.length} check(s) failed along the way:\n  ${laterFailures.join('\n  ')}`);
  check(consoleProblems.length === 0, `browser console problems:\n  ${consoleProblems.join('\n  ')}`);
  ok('no console errors, uncaught exceptions or CSP violations');
}

let failed = false;
const started = Date.now();
try {
  await main();
} catch (err) {
  failed = true;
  log(`FAIL [${step}]: ${err.message}`);
  if (!(err instanceof assert.AssertionError) && err.stack) log(err.stack.split('\n').slice(1, 6).join('\n'));
  if (consoleProblems.length) log(`browser console:\n  ${consoleProblems.join('\n  ')}`);
  const lastPage = openPages.filter((p) => !p.isClosed()).pop();
  if (lastPage) {
    const file = path.join(ARTIFACTS, 'failure.png');
    if (await lastPage.screenshot({ path: file, fullPage: true }).then(() => true, () => false)) log(`screenshot of the failure: ${file}`);
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServer().catch(() => {});
}
log(failed ? 'viewer_test: FAILED' : `viewer_test: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
