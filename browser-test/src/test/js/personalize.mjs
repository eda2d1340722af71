// A person personalizing the model on the PAPA web page, in a real Chromium, against the real
// stack: picks a user name, rates two rounds (mouse and keyboard), and checks that the page shows
// the trainer's new versions live and draws the next round with them. Also checks that failures
// show (a refused rating, the sampler not answering) and that a double click sends nothing twice.
// Run by PersonalizeInBrowserIT; exit code 0 = every check passed. Settings come from the env.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const PAGE_URL = process.env.PAGE_URL || 'http://localhost:8081/';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = process.env.SCREENSHOT || 'target/browser-test/personalize.png';
const USER_ID = process.env.USER_ID || `browser-${Date.now()}`;
// How long the trainer may take to publish a version (a busy 2-core machine runs 3 JVMs and a browser).
const VERSION_TIMEOUT = Number(process.env.VERSION_TIMEOUT_MS || 180000);
// A round whose every update step the engine rejected (non-finite values) publishes no version:
// rate another round then, at most this many times per expected version.
const ATTEMPTS = 3;

// Without the background-networking flags Chromium waits for the network this machine lacks.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const started = Date.now();
const log = (...parts) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s]`, ...parts);

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  log(`ok: ${message}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'papa-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1100, height: 900 },
});
const page = context.pages()[0] || await context.newPage();
const feedbackPosts = [];
const pageErrors = [];
page.on('pageerror', (e) => { pageErrors.push(e.message); log('page error:', e.message); });
page.on('console', (m) => { if (m.type() === 'error') log('page console:', m.text()); });
page.on('request', (r) => {
  if (r.method() === 'POST' && r.url().endsWith('/api/v1/feedback')) feedbackPosts.push(r.postDataJSON());
});

// Every message the page shows in its notice area, with the time, to check the slow-update one.
await page.addInitScript(() => {
  window.papaNotices = [];
  document.addEventListener('DOMContentLoaded', () => {
    const el = document.getElementById('notice');
    new MutationObserver(() => window.papaNotices.push({ kind: el.dataset.kind, text: el.textContent, at: Date.now() }))
      .observe(el, { childList: true, characterData: true, subtree: true, attributes: true });
  });
});

const version = async () => Number(await page.locator('#version').getAttribute('data-version'));

async function roundShown(number) {
  await page.locator(`#round[data-round="${number}"]`).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('#grid img')]
    .every((img) => img.complete && img.naturalWidth > 0));
  const cards = page.locator('#grid .card');
  const versions = await cards.evaluateAll((els) => els.map((el) => Number(el.dataset.adapterVersion)));
  log(`round ${number}: ${versions.length} images, versions ${versions.join(',')}`);
  return versions;
}

/** Rates every image of the round: mouse for some, keyboard (buttons, slider) for others. */
async function rateRound() {
  const cards = page.locator('#grid .card');
  const count = await cards.count();
  for (let i = 0; i < count; i++) {
    const card = cards.nth(i);
    if (i % 4 === 0) {
      await card.getByRole('button', { name: /^Like image/ }).click();
    } else if (i % 4 === 1) {
      await card.getByRole('button', { name: /^Dislike image/ }).focus();
      await page.keyboard.press('Enter');
    } else if (i % 4 === 2) {
      await card.getByRole('slider').focus();
      for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
    } else {
      await card.getByRole('button', { name: /^Like image/ }).focus();
      await page.keyboard.press('Space');
    }
  }
  check(await page.locator('#grid .card[data-rating]').count() === count, `all ${count} images rated`);
  return count;
}

/** Sends the round with a double click; returns the feedback requests it made. */
async function sendRound(expectedOk) {
  const before = feedbackPosts.length;
  await page.locator('#send').dblclick();
  await page.waitForFunction(() => document.querySelector('#progress').textContent.includes('sent'));
  await page.waitForTimeout(500);  // a second send would have started by now
  const posts = feedbackPosts.slice(before);
  const ids = new Set(posts.map((p) => p.imageId));
  check(posts.length === ids.size, `each image's rating sent once (${posts.length} requests for ${ids.size} images)`);
  check(await page.locator('.card-status[data-kind=ok]').count() === expectedOk, `${expectedOk} ratings accepted`);
  return posts;
}

/** Waits for the page to show a version above {@code from}; rates more rounds if none comes. */
async function awaitNewVersion(from, round) {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await page.waitForFunction((v) => Number(document.querySelector('#version').dataset.version) > v, from,
        { timeout: VERSION_TIMEOUT, polling: 250 });
      return { version: await version(), round };
    } catch (e) {
      if (attempt === ATTEMPTS) throw new Error(`no version above ${from} after ${ATTEMPTS} rounds`);
      log(`no new version within ${VERSION_TIMEOUT} ms (steps rejected?): rating another round`);
      await page.locator('#next').click();
      round += 1;
      await roundShown(round);
      await rateRound();
      await sendRound(await page.locator('#grid .card').count());
    }
  }
  throw new Error('unreachable');
}

let exitCode = 0;
try {
  const response = await page.goto(PAGE_URL);
  check(response.ok(), `the page loads from ${PAGE_URL}`);
  await page.getByLabel('Your user name').fill(USER_ID);
  await page.keyboard.press('Enter');  // the form submits from the keyboard
  await page.waitForFunction(() => document.querySelector('#version').dataset.version === '0');
  check(await page.locator('#live').getAttribute('data-state') === 'on', 'live updates connected');

  // Round 1, drawn by the base model.
  const first = await roundShown(1);
  check(first.every((v) => v === 0), 'round 1 is drawn by version 0');
  const count = await rateRound();
  await sendRound(count);
  let { version: v1, round } = await awaitNewVersion(0, 1);
  check(v1 >= 1, `the page shows version ${v1} without a reload`);
  check((await page.locator('#notice').textContent()).includes(`Version ${v1}`), 'the new version is announced');

  // The sampler not answering is shown (the request is cut off in the browser).
  await page.route('**/api/v1/users/*/images', (route) => route.abort('connectionrefused'), { times: 1 });
  await page.locator('#next').click();
  await page.locator('#error:not([hidden])').waitFor();
  check((await page.locator('#error').textContent()).includes('does not answer'), 'a sampler that does not answer is shown');

  // Round 2, drawn by the new version.
  check((await page.locator('#next').textContent()).includes(`version ${v1}`), 'the next round offers the new version');
  await page.locator('#next').click();
  round += 1;
  const second = await roundShown(round);
  check(second.every((v) => v === v1), `round ${round}'s images come from version ${v1}`);
  check(await page.locator('#error').isHidden(), 'the error went away');

  // One rating of round 2 is refused: its token is altered on the way, the problem's detail shows.
  await page.route('**/api/v1/feedback', async (route) => {
    const body = route.request().postDataJSON();
    await route.continue({ postData: JSON.stringify({ ...body, token: `x${body.token}` }) });
  }, { times: 1 });
  await rateRound();
  await sendRound(count - 1);
  const refused = page.locator('.card-status[data-kind=error]');
  check(await refused.count() === 1, 'one rating is marked refused');
  const detail = await refused.textContent();
  // 403 "the token is not valid…", or 404 "no image … is known" if the image is not in the join's store yet.
  check(/token is not valid|no image/.test(detail), `the refusal shows the problem's detail: "${detail}"`);
  check((await page.locator('#error').textContent()).includes('refused'), 'the refusal is announced');
  const sentAt = Date.now();
  const next = await awaitNewVersion(v1, round);
  const v2 = next.version;
  round = next.round;
  check(v2 > v1, `the version goes up again: ${v1} -> ${v2}`);
  // The trainer waited for the missing example (its max-wait, longer than the page's update
  // timeout), so the page said meanwhile that the update is late.
  const { updateTimeoutSeconds } = await (await page.request.get(new URL('/api/v1/web/config', PAGE_URL).href)).json();
  const late = await page.evaluate((since) => window.papaNotices
    .filter((n) => n.kind === 'warning' && n.at >= since).map((n) => n.text), sentAt);
  check(late.some((text) => text.includes(`No new version after ${updateTimeoutSeconds} s`)),
    `the late update was announced: "${late[0]}"`);

  // Round 3 shows the latest version; the chart has a bar per rated round, with its version.
  await page.locator('#next').click();
  round += 1;
  const third = await roundShown(round);
  check(third.every((v) => v === v2), `round ${round}'s images come from version ${v2}`);
  const bars = await page.locator('#chart rect.bar').evaluateAll((els) => els.map((el) => Number(el.dataset.version)));
  check(bars.length === round - 1, `the chart has ${round - 1} rounds`);
  check(bars[0] === 0 && bars[bars.length - 1] === v1, `the chart shows each round's version (${bars.join(',')})`);
  check(pageErrors.length === 0, 'no script errors on the page');
} catch (e) {
  exitCode = 1;
  console.error(`FAILED: ${e.stack || e}`);
  console.error('page text at failure:\n' + await page.locator('body').innerText().catch(() => '(none)'));
} finally {
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch((e) => console.error('no screenshot:', e.message));
  log(`screenshot: ${SCREENSHOT}`);
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
log(exitCode === 0 ? 'all checks passed' : 'failed');
process.exit(exitCode);
