// The PAPA personalization page: plain JavaScript, no build step, no libraries.
// Draws a round of images for a user (sampler), sends the person's ratings (feedback service),
// and follows the user's adapter versions live over server-sent events (sampler), so the next
// round can be drawn by the version the ratings produced.
'use strict';

const USER_ID = /^[A-Za-z0-9._-]{1,64}$/;
const $ = (id) => document.getElementById(id);

const state = {
  config: null,      // GET /api/v1/web/config
  userId: null,
  served: null,      // the latest adapter event: {userId, version, publishedAt, feedbackCount}
  liveSince: null,   // when this page heard of the served version
  events: null,      // the EventSource of the user's adapter versions
  round: null,       // {number, version, images: [...], sent}
  rounds: [],        // history for the chart: {number, version, liked, rated}
  drawing: false,    // a generation request is in flight
  sending: false,    // feedback requests are in flight
  waitTimer: null,   // fires when no new version came in time after a round was sent
};

// ---- messages -------------------------------------------------------------------------------

function notice(text, kind) {
  const el = $('notice');
  el.textContent = text || '';
  el.dataset.kind = kind || 'info';
}

function showError(text) {
  const el = $('error');
  el.textContent = text || '';
  el.hidden = !text;
}

/** An Error whose message says what went wrong, from a problem+json answer when there is one. */
async function failure(response, what) {
  let detail = `${response.status} ${response.statusText}`;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      const problem = await response.json();
      detail = `${problem.title || response.status}: ${problem.detail || ''}`.trim();
    } catch (e) { /* keep the status line */ }
  }
  const error = new Error(`${what} failed (${detail})`);
  error.status = response.status;
  return error;
}

/** fetch, with "does not answer" instead of the browser's bare TypeError when a service is down. */
async function call(url, options, service) {
  try {
    return await fetch(url, options);
  } catch (e) {
    const error = new Error(`The ${service} at ${new URL(url, location.href).origin} does not answer. Is it running?`);
    error.status = 0;
    throw error;
  }
}

async function loadConfig() {
  if (state.config) return state.config;
  const response = await call('/api/v1/web/config', {}, 'sampler');
  if (!response.ok) throw await failure(response, 'Reading the page settings');
  state.config = await response.json();
  return state.config;
}

// ---- the user's model version, live ---------------------------------------------------------

function follow(userId) {
  if (state.events) state.events.close();
  const live = $('live');
  const events = new EventSource(`/api/v1/users/${encodeURIComponent(userId)}/adapter/events`);
  state.events = events;
  events.onopen = () => { live.dataset.state = 'on'; live.textContent = 'Live updates: connected'; };
  events.onerror = () => {
    live.dataset.state = 'lost';
    // The browser reconnects by itself unless the sampler refused the stream.
    live.textContent = events.readyState === EventSource.CLOSED
      ? 'Live updates: refused by the sampler (reload the page)'
      : 'Live updates: lost the sampler, reconnecting…';
  };
  events.onmessage = (message) => onVersion(JSON.parse(message.data));
}

function onVersion(event) {
  if (event.userId !== state.userId) return;
  const before = state.served ? state.served.version : null;
  state.served = event;
  state.liveSince = new Date();
  const el = $('version');
  el.dataset.version = String(event.version);
  el.textContent = event.version === 0 ? 'version 0 (the base model)' : `version ${event.version}`;
  $('version-time').textContent = event.publishedAt
    ? `published ${time(new Date(event.publishedAt))}, live here since ${time(state.liveSince)}, ${event.feedbackCount} ratings learned`
    : 'no personal version yet';
  if (before !== null && event.version > before) {
    clearTimeout(state.waitTimer);
    notice(`Version ${event.version} of your model is live (published ${time(new Date(event.publishedAt))}). `
      + 'Draw the next round to see what it makes.');
  }
  updateButtons();
}

function time(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// ---- rounds -----------------------------------------------------------------------------------

async function start(event) {
  event.preventDefault();
  const userId = $('user-id').value.trim();
  if (!USER_ID.test(userId)) {
    showError('A user name is 1 to 64 letters, digits, dots, dashes or underscores.');
    $('user-id').focus();
    return;
  }
  showError('');
  if (userId !== state.userId) {
    state.userId = userId;
    state.served = null;
    state.round = null;
    state.rounds = [];
    clearTimeout(state.waitTimer);
    $('status').hidden = false;
    $('round').hidden = true;  // the last user's round is not this user's
    $('version').dataset.version = '';
    follow(userId);
    renderChart();
  }
  await draw();
}

async function draw() {
  if (state.drawing || state.sending) return;   // one click, one round
  state.drawing = true;
  updateButtons();
  notice('Drawing your images…');
  showError('');
  try {
    const config = await loadConfig();
    const response = await call(`/api/v1/users/${encodeURIComponent(state.userId)}/images`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ count: config.imagesPerRound, steps: config.steps }),
    }, 'sampler');
    if (!response.ok) throw await failure(response, 'Drawing images');
    const generated = await response.json();
    state.round = {
      number: state.rounds.length + 1,
      version: generated.adapterVersion,
      sent: false,
      images: generated.images.map((image) => ({
        ...image,
        feedbackId: uuid(),               // the idempotency key: a retry reuses it
        rating: null,                     // {liked: true|false} or {score: -1..1}
        status: 'new',                    // new | sending | sent | failed | rejected
      })),
    };
    renderRound();
    notice(`Round ${state.round.number}: rate each image, then send your ratings.`);
  } catch (e) {
    notice('');
    showError(e.message);
  } finally {
    state.drawing = false;
    updateButtons();
  }
}

/** A random UUID; crypto.randomUUID exists only on https and localhost pages. */
function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function renderRound() {
  const round = state.round;
  $('round').hidden = false;
  $('round').dataset.round = String(round.number);
  $('round-title').textContent = `Round ${round.number}`;
  $('round-info').textContent = `${round.images.length} images drawn by version ${round.version} of your model.`;
  const grid = $('grid');
  grid.replaceChildren(...round.images.map((image, i) => card(image, i + 1)));
  updateButtons();
}

function card(image, n) {
  const li = document.createElement('li');
  li.className = 'card';
  li.dataset.imageId = image.id;
  li.dataset.adapterVersion = String(image.adapterVersion);
  li.innerHTML = `
    <figure>
      <img width="112" height="112">
      <figcaption>image ${n}, version <span class="image-version"></span></figcaption>
    </figure>
    <div class="choice" role="group">
      <button type="button" class="like" aria-pressed="false">Like</button>
      <button type="button" class="dislike" aria-pressed="false">Dislike</button>
    </div>
    <label class="score">Score <input type="range" min="-1" max="1" step="0.1" value="0"><output>0</output></label>
    <p class="card-status" aria-live="polite"></p>`;
  const img = li.querySelector('img');
  img.src = image.url;
  img.alt = `Image ${n} of round ${state.round.number}, drawn by version ${image.adapterVersion}`;
  img.onerror = () => setCardStatus(li, 'error', 'The image could not be loaded.');
  li.querySelector('.image-version').textContent = String(image.adapterVersion);
  li.querySelector('.choice').setAttribute('aria-label', `Rate image ${n}`);
  const like = li.querySelector('.like');
  const dislike = li.querySelector('.dislike');
  const slider = li.querySelector('input');
  like.setAttribute('aria-label', `Like image ${n}`);
  dislike.setAttribute('aria-label', `Dislike image ${n}`);
  slider.setAttribute('aria-label', `Score of image ${n}, from -1 (dislike) to 1 (like)`);
  like.onclick = () => rate(image, li, { liked: true });
  dislike.onclick = () => rate(image, li, { liked: false });
  slider.oninput = () => rate(image, li, { score: Number(slider.value) });
  return li;
}

function rate(image, li, rating) {
  if (image.status !== 'new' && image.status !== 'failed') return;  // sent or rejected: final
  image.rating = rating;
  const like = li.querySelector('.like');
  const dislike = li.querySelector('.dislike');
  const slider = li.querySelector('input');
  like.setAttribute('aria-pressed', String(rating.liked === true));
  dislike.setAttribute('aria-pressed', String(rating.liked === false));
  if ('liked' in rating) slider.value = rating.liked ? '1' : '-1';
  li.querySelector('output').textContent = Number(slider.value).toFixed(1);
  li.dataset.rating = 'liked' in rating ? (rating.liked ? 'like' : 'dislike') : 'score';
  updateButtons();
}

function setCardStatus(li, kind, text) {
  const el = li.querySelector('.card-status');
  el.dataset.kind = kind;
  el.textContent = text;
}

// ---- sending the ratings ------------------------------------------------------------------------

async function send() {
  const round = state.round;
  if (!round || state.sending || state.drawing) return;  // one click, one send
  const pending = round.images.filter((i) => i.rating && (i.status === 'new' || i.status === 'failed'));
  if (pending.length === 0) return;
  state.sending = true;
  updateButtons();
  showError('');
  notice(`Sending ${pending.length} ratings…`);
  const config = await loadConfig().catch(() => state.config);
  await Promise.all(pending.map((image) => sendOne(config, image)));
  state.sending = false;
  const failed = round.images.filter((i) => i.status === 'failed');
  const rejected = round.images.filter((i) => i.status === 'rejected');
  if (failed.length > 0) {
    showError(`${failed.length} ratings were not delivered: ${failed[0].error} `
      + 'Your ratings are kept: press "Send ratings" again to retry them (each is applied once).');
    notice('');
  } else if (round.images.every((i) => i.status === 'sent' || i.status === 'rejected')) {
    roundSent(round, rejected);
  }
  updateButtons();
}

async function sendOne(config, image) {
  const li = document.querySelector(`.card[data-image-id="${image.id}"]`);
  image.status = 'sending';
  setControls(li, false);
  setCardStatus(li, 'info', 'sending…');
  const body = { feedbackId: image.feedbackId, imageId: image.id, userId: state.userId, token: image.token, ...image.rating };
  try {
    const response = await call(`${config.feedbackUrl}/api/v1/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    }, 'feedback service');
    if (!response.ok) throw await failure(response, 'Sending the rating');
    image.status = 'sent';
    setCardStatus(li, 'ok', 'sent');
  } catch (e) {
    // A 4xx will not get better by sending it again; anything else (down, 5xx) may.
    image.status = e.status >= 400 && e.status < 500 ? 'rejected' : 'failed';
    image.error = e.message;
    setCardStatus(li, 'error', e.message);
  }
  setControls(li, image.status === 'failed');  // sent and refused ratings are final
}

function setControls(li, enabled) {
  li.querySelectorAll('button, input').forEach((el) => { el.disabled = !enabled; });
}

function roundSent(round, rejected) {
  round.sent = true;
  const accepted = round.images.filter((i) => i.status === 'sent');
  const liked = accepted.filter((i) => i.rating.liked === true || (i.rating.score || 0) > 0).length;
  state.rounds.push({ number: round.number, version: round.version, liked, rated: accepted.length });
  renderChart();
  if (rejected.length > 0) {
    showError(`${rejected.length} of the ratings were refused by the feedback service: ${rejected[0].error}`);
  }
  if (accepted.length === 0) {
    notice('');
    return;
  }
  const from = state.served ? state.served.version : round.version;
  const seconds = state.config.updateTimeoutSeconds;
  notice(`Ratings sent. Waiting for the trainer to publish version ${from + 1} of your model…`);
  clearTimeout(state.waitTimer);
  state.waitTimer = setTimeout(() => {
    if (state.served && state.served.version > from) return;
    notice(`No new version after ${seconds} s. The trainer may be busy, down, or may have rejected this round's `
      + `updates. You can keep waiting, or draw the next round with version ${from}.`, 'warning');
  }, seconds * 1000);
}

function updateButtons() {
  const round = state.round;
  const busy = state.drawing || state.sending;
  $('start').disabled = busy;
  if (!round) return;
  const rated = round.images.filter((i) => i.rating).length;
  const unsent = round.images.filter((i) => i.rating && (i.status === 'new' || i.status === 'failed')).length;
  const all = round.images.length;
  $('send').disabled = busy || round.sent || rated < all || unsent === 0;
  $('send').textContent = round.images.some((i) => i.status === 'failed') ? `Retry ${unsent} unsent ratings` : 'Send ratings';
  $('progress').textContent = round.sent ? 'Ratings sent.' : `${rated} of ${all} images rated (rate all to send).`;
  $('next').disabled = busy || !round.sent;
  const version = state.served ? state.served.version : round.version;
  $('next').textContent = `Draw next round (version ${version})`;
}

// ---- the chart of the user's rounds -------------------------------------------------------------

function renderChart() {
  const rounds = state.rounds;
  $('history').hidden = rounds.length === 0;
  const width = Math.max(320, 60 * rounds.length + 60);
  const height = 190;
  const top = 20;
  const base = 150;  // y of the 0% line
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));  // natural size; CSS only shrinks it on narrow screens
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', rounds.map((r) =>
    `round ${r.number}: ${percent(r)} liked, version ${r.version}`).join('; ') || 'no rounds yet');
  const add = (name, attributes, text) => {
    const el = document.createElementNS(svgNs, name);
    Object.entries(attributes).forEach(([k, v]) => el.setAttribute(k, String(v)));
    if (text !== undefined) el.textContent = text;
    svg.appendChild(el);
    return el;
  };
  add('line', { x1: 40, y1: base, x2: width - 10, y2: base, class: 'axis' });
  add('line', { x1: 40, y1: top, x2: width - 10, y2: top, class: 'axis', 'stroke-dasharray': '4 3' });
  add('text', { x: 4, y: base + 4 }, '0%');
  add('text', { x: 4, y: top + 4 }, '100%');
  rounds.forEach((r, i) => {
    const share = r.rated ? r.liked / r.rated : 0;
    const x = 50 + i * 60;
    const h = Math.round(share * (base - top));
    const bar = add('rect', { x, y: base - h, width: 36, height: Math.max(h, 1), class: 'bar', 'data-version': r.version });
    const title = document.createElementNS(svgNs, 'title');
    title.textContent = `Round ${r.number}: ${r.liked} of ${r.rated} liked, drawn by version ${r.version}`;
    bar.appendChild(title);
    add('text', { x: x + 18, y: base - h - 4, 'text-anchor': 'middle' }, percent(r));
    add('text', { x: x + 18, y: base + 16, 'text-anchor': 'middle' }, `round ${r.number}`);
    add('text', { x: x + 18, y: base + 32, 'text-anchor': 'middle' }, `v${r.version}`);
  });
  $('chart').replaceChildren(svg);
}

function percent(r) {
  return r.rated ? `${Math.round((100 * r.liked) / r.rated)}%` : '–';
}

// ---- wiring ---------------------------------------------------------------------------------------

$('user-form').addEventListener('submit', start);
$('send').addEventListener('click', send);
$('next').addEventListener('click', draw);
loadConfig().catch((e) => showError(e.message));
