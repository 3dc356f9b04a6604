// chartscan viewer: the browser front end of `chartscan serve` (viewer/API.md is its contract).
//
// One ES module, no framework, no build step. Served under a strict CSP (no inline script or
// style), so every element is built here with textContent: nothing the server sends is ever
// parsed as HTML. Screens are chosen by the URL hash (#/search?..., #/page/41?..., #/chart/3,
// #/document/7, #/review, #/batches, #/batch/1, #/admin, #/login). Patient data is never written
// to the console.

'use strict';

// ---- Constants ---------------------------------------------------------------------------------

const DOC_TYPES = [
  'discharge_summary', 'progress_note', 'history_and_physical', 'operative_report',
  'radiology_report', 'lab_report', 'consent', 'medication_administration_record',
  'correspondence', 'other',
];
const ROLE_RANK = { technician: 1, clerk: 2, admin: 3 };
const ROLES = ['technician', 'clerk', 'admin'];
const PAGE_SIZE = 20;
const HITS_KEY = 'chartscan.lastSearch';
const NAV_ITEMS = [
  { route: 'search', label: 'Search', role: 'technician' },
  { route: 'batches', label: 'Batches', role: 'technician' },
  { route: 'review', label: 'Review', role: 'clerk' },
  { route: 'admin', label: 'Admin', role: 'admin' },
];
const ROLE_MESSAGE = 'Your role does not allow this.';

// ---- State -------------------------------------------------------------------------------------

const state = {
  user: null,      // {name, role}
  csrf: '',
  afterLogin: '',  // hash to return to after a 401 sent the user to the login screen
  screen: '',      // name of the screen on display
  seq: 0,          // bumped on every route change; stale async work compares and gives up
  cleanups: [],    // functions undoing the current screen's global listeners
  search: null,    // the search screen's live elements while it is on display
};

// ---- Small DOM helpers -------------------------------------------------------------------------

// h('a', {href: '#/x', class: 'c', text: 'label', on: {click: fn}, dataset: {k: v}}, ...children)
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') el.textContent = String(value);
      else if (key === 'class') el.className = value;
      else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key === 'hidden' || key === 'disabled' || key === 'checked' || key === 'selected' ||
               key === 'required' || key === 'readOnly') el[key] = Boolean(value);
      else if (key === 'value') el.value = String(value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const $ = (sel, root = document) => root.querySelector(sel);

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

// A labelled form control: returns {wrap, input}.
function field(labelText, input, hint) {
  if (!input.id) input.id = nextId('f');
  const label = h('label', { for: input.id, text: labelText });
  const wrap = h('div', { class: 'field' }, label, input);
  if (hint) {
    const hintEl = h('span', { class: 'hint', id: nextId('hint'), text: hint });
    input.setAttribute('aria-describedby', hintEl.id);
    wrap.append(hintEl);
  }
  return { wrap, input };
}

function docTypeLabel(type) {
  if (!type) return 'Unclassified';
  const s = String(type).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '–';
  return Number(n).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString();
}

function fmtConfidence(c) {
  if (c === null || c === undefined) return '–';
  const v = Number(c);
  return v <= 1 ? `${Math.round(v * 100)}%` : `${Math.round(v)}%`;
}

function plural(n, one, many) {
  return `${fmtNumber(n)} ${n === 1 ? one : many}`;
}

function validId(s) {
  return typeof s === 'string' && /^[1-9][0-9]{0,15}$/.test(s) && Number(s) < 2 ** 53;
}

// A snippet with U+0002/U+0003 marks as text nodes and <mark> elements.
function snippetNodes(snippet) {
  const out = [];
  let mark = null;
  for (const part of String(snippet || '').split(/([\u0002\u0003])/)) {
    if (part === '\u0002') {
      mark = h('mark');
      out.push(mark);
    } else if (part === '\u0003') {
      mark = null;
    } else if (part) {
      if (mark) mark.append(part);
      else out.push(document.createTextNode(part));
    }
  }
  return out;
}

function dl(rows) {
  const list = h('dl', { class: 'facts' });
  for (const [term, value] of rows) {
    if (value === undefined) continue;
    list.append(h('div', { class: 'fact' }, h('dt', { text: term }), h('dd', {}, value ?? '–')));
  }
  return list;
}

function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}`, text });
}

// A table inside a wrapper that scrolls sideways on narrow screens and can take keyboard focus.
function table(caption, headers, rows) {
  const t = h('table', {},
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', text: x })))),
    h('tbody', {}, rows));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, t);
}

// ---- Status and errors -------------------------------------------------------------------------

let statusTimer = 0;
function setStatus(message) {
  const el = $('#status');
  clearTimeout(statusTimer);
  el.textContent = '';
  // A fresh text node after a tick so screen readers announce repeated messages too.
  requestAnimationFrame(() => {
    el.textContent = message;
    el.classList.toggle('visible', Boolean(message));
  });
  if (message) statusTimer = setTimeout(() => el.classList.remove('visible'), 6000);
}

class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body || {};
  }
}

// The server's messages are sentences without a capital or a full stop ("wrong name or password").
function sentence(text) {
  const t = String(text || '').trim();
  if (!t) return '';
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

// The sentence to show for a failed request.
function errorText(err) {
  if (err instanceof ApiError) {
    if (err.status === 403) {
      // A role refusal says so itself; other refusals (a stale CSRF token) get the generic line too.
      if (!err.body.error) return ROLE_MESSAGE;
      return /role/i.test(err.message) ? sentence(err.message) : `${ROLE_MESSAGE} ${sentence(err.message)}`;
    }
    if (err.status === 404) return sentence(err.message) || 'Not found.';
    return sentence(err.message);
  }
  if (err && err.name === 'TypeError') return 'The server cannot be reached. Check that chartscan serve is running.';
  return 'Something went wrong.';
}

function errorBox(err, extra) {
  return h('div', { class: 'error', role: 'alert' }, h('p', { text: errorText(err) }), extra);
}

// ---- API ---------------------------------------------------------------------------------------

async function api(path, { method = 'GET', body, retried = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  let data = null;
  if (res.status !== 204) {
    const type = res.headers.get('Content-Type') || '';
    if (type.includes('json')) data = await res.json().catch(() => null);
  }
  if (res.ok) return data;
  const message = (data && typeof data.error === 'string' && data.error) || `the server answered ${res.status}`;
  const err = new ApiError(res.status, message, data);
  if (res.status === 401 && path !== '/api/login') {
    sessionLost();
  } else if (res.status === 403 && method !== 'GET' && !retried && path !== '/api/login') {
    // A stale CSRF token (for example after logging in again in another tab): refresh it once.
    const me = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : null)).catch(() => null);
    if (me && me.csrf && me.csrf !== state.csrf) {
      state.csrf = me.csrf;
      return api(path, { method, body, retried: true });
    }
  }
  throw err;
}

function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function imageUrl(pageId, kind, box) {
  const params = { kind };
  if (box) Object.assign(params, { x: box.x, y: box.y, w: box.w, h: box.h });
  return `/api/pages/${pageId}/image${qs(params)}`;
}

// ---- Session -----------------------------------------------------------------------------------

function hasRole(min) {
  return Boolean(state.user) && (ROLE_RANK[state.user.role] || 0) >= ROLE_RANK[min];
}

function setUser(user, csrf) {
  state.user = user;
  state.csrf = csrf || '';
  renderChrome();
}

function sessionLost() {
  if (!state.user) return;  // not signed in yet: the router sends anonymous users to the login screen
  const current = location.hash;
  if (state.user && current && !current.startsWith('#/login')) state.afterLogin = current;
  state.user = null;
  state.csrf = '';
  renderChrome();
  setStatus('Your session has ended. Please sign in again.');
  go('#/login');
}

async function logout() {
  try {
    await api('/api/logout', { method: 'POST' });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      setStatus(`Logging out failed: ${errorText(err)}`);
      return;
    }
  }
  state.user = null;
  state.csrf = '';
  state.afterLogin = '';
  sessionStorage.removeItem(HITS_KEY);
  renderChrome();
  setStatus('You are logged out.');
  go('#/login');
}

function renderChrome() {
  const nav = $('#nav');
  const list = clear($('#nav-list'));
  const userBox = $('#user-box');
  if (!state.user) {
    nav.hidden = true;
    userBox.hidden = true;
    return;
  }
  for (const item of NAV_ITEMS) {
    if (!hasRole(item.role)) continue;
    list.append(h('li', {}, h('a', { href: `#/${item.route}`, dataset: { route: item.route }, text: item.label })));
  }
  nav.hidden = false;
  userBox.hidden = false;
  $('#user-label').textContent = `${state.user.name} (${state.user.role})`;
  markNav();
}

function markNav() {
  const section = { page: 'search', chart: 'search', document: 'search', batch: 'batches' }[state.screen] || state.screen;
  for (const a of document.querySelectorAll('#nav-list a')) {
    if (a.dataset.route === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// ---- Router ------------------------------------------------------------------------------------

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  if (!raw.startsWith('/')) return null;
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  return { name: parts[0] || 'search', arg: parts[1], params };
}

const SCREENS = {
  login: { render: renderLogin, anonymous: true },
  search: { render: renderSearch, role: 'technician' },
  page: { render: renderPage, role: 'technician' },
  chart: { render: renderChart, role: 'technician' },
  document: { render: renderDocument, role: 'technician' },
  review: { render: renderReview, role: 'clerk' },
  batches: { render: renderBatches, role: 'technician' },
  batch: { render: renderBatch, role: 'technician' },
  admin: { render: renderAdmin, role: 'admin' },
};

function route() {
  const r = parseHash();
  if (!r) return;  // an in-page anchor, not a route
  const screen = SCREENS[r.name];
  if (!state.user && !(screen && screen.anonymous)) {
    state.afterLogin = location.hash;
    go('#/login');
    return;
  }
  if (state.user && r.name === 'login') {
    go('#/search');
    return;
  }
  // The search screen stays up while its query changes, so focus stays in the box.
  if (r.name === 'search' && state.screen === 'search' && state.search) {
    state.seq++;
    state.search.update(r.params);
    return;
  }
  for (const undo of state.cleanups.splice(0)) undo();
  state.search = null;
  state.seq++;
  state.screen = r.name;
  markNav();
  const main = clear($('#main'));
  main.removeAttribute('aria-busy');
  if (!screen) {
    document.title = 'Not found · chartscan';
    append(main, h('h1', { tabindex: '-1', text: 'Not found' }), h('p', { text: 'There is no such screen. ' }, h('a', { href: '#/search', text: 'Go to search' })));
    focusHeading();
    return;
  }
  if (screen.role && !hasRole(screen.role)) {
    document.title = 'Not allowed · chartscan';
    append(main, h('h1', { tabindex: '-1', text: 'Not allowed' }), h('div', { class: 'error', role: 'alert' }, h('p', { text: ROLE_MESSAGE })));
    focusHeading();
    return;
  }
  screen.render(main, r, state.seq);
}

function focusHeading() {
  const h1 = $('#main h1');
  if (h1) h1.focus({ preventScroll: false });
}

// Adds a global listener for the current screen only.
function onScreen(target, type, fn) {
  target.addEventListener(type, fn);
  state.cleanups.push(() => target.removeEventListener(type, fn));
}

function stale(seq) {
  return seq !== state.seq;
}

function loading(main, text = 'Loading…') {
  main.setAttribute('aria-busy', 'true');
  const p = h('p', { class: 'loading', text });
  append(main, p);
  return () => {
    main.removeAttribute('aria-busy');
    p.remove();
  };
}

// Keys typed into a text control are the user's, not shortcuts.
function typingTarget(ev) {
  const t = ev.target;
  if (!(t instanceof Element)) return false;
  return t.matches('input, textarea, select, [contenteditable="true"]');
}

// ---- Login -------------------------------------------------------------------------------------

function renderLogin(main) {
  document.title = 'Sign in · chartscan';
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'error', role: 'alert', id: 'login-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', text: 'Sign in' });
  const form = h('form', { class: 'login-form', 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title', tabindex: '-1', text: 'Sign in to chartscan' }),
    field('User name', name).wrap,
    field('Password', password).wrap,
    error,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    if (!name.value.trim() || !password.value) {
      error.textContent = 'Enter your user name and password.';
      error.hidden = false;
      (name.value.trim() ? password : name).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const data = await api('/api/login', { method: 'POST', body: { name: name.value.trim(), password: password.value } });
      password.value = '';
      setUser(data.user, data.csrf);
      setStatus(`Signed in as ${data.user.name} (${data.user.role}).`);
      const target = state.afterLogin && !state.afterLogin.startsWith('#/login') ? state.afterLogin : '#/search';
      state.afterLogin = '';
      go(target);
    } catch (err) {
      let text = errorText(err);
      if (err instanceof ApiError && err.status === 429 && Number(err.body.retry_after_s) > 0 && !/try again/i.test(err.message)) {
        const s = Math.ceil(Number(err.body.retry_after_s));
        const wait = s >= 60 ? `${Math.ceil(s / 60)} minute${Math.ceil(s / 60) === 1 ? '' : 's'}` : `${s} second${s === 1 ? '' : 's'}`;
        text = `${text} Try again in ${wait}.`;
      }
      error.textContent = text;
      error.hidden = false;
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
  append(main, h('section', { class: 'login' }, form));
  name.focus();
}

// ---- Search ------------------------------------------------------------------------------------

// The filter controls' values as they appear in the hash.
const SEARCH_KEYS = ['text', 'name', 'mrn', 'type', 'from', 'to', 'batch'];

function filterValue(v) {
  return String(v || '').replace(/["\s]+/g, ' ').trim();
}

// Free text plus filters as one query in the CLI's language.
function composeQuery(f) {
  const parts = [];
  let text = String(f.text || '').trim();
  const filters = [];
  const name = filterValue(f.name);
  if (name) filters.push(`name:"${name}"`);
  const mrn = filterValue(f.mrn).replace(/\s+/g, '');
  if (mrn) filters.push(`mrn:${mrn}`);
  if (f.type) filters.push(`type:${f.type}`);
  const from = filterValue(f.from).replace(/\s+/g, '');
  const to = filterValue(f.to).replace(/\s+/g, '');
  if (from || to) filters.push(from === to ? `date:${from}` : `date:${from}..${to}`);
  const batch = filterValue(f.batch).replace(/\s+/g, '');
  if (batch) filters.push(`batch:${batch}`);
  // OR binds loosest: keep the filters applying to the whole of the free text.
  if (text && filters.length && /(^|[\s)])OR([\s(]|$)/.test(text)) text = `(${text})`;
  if (text) parts.push(text);
  return parts.concat(filters).join(' ');
}

function searchHash(f, offset, exact) {
  const params = {};
  for (const k of SEARCH_KEYS) if (f[k]) params[k] = f[k];
  params.q = composeQuery(f);
  if (exact) params.exact = '1';
  if (offset) params.offset = String(offset);
  return `#/search${qs(params)}`;
}

function readSearchParams(params) {
  const f = {};
  for (const k of SEARCH_KEYS) f[k] = params.get(k) || '';
  // A bare #/search?q=... (from a link) fills the free-text box.
  if (!SEARCH_KEYS.some((k) => f[k]) && params.get('q')) f.text = params.get('q');
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  return { f, offset, exact: params.get('exact') === '1' };
}

function renderSearch(main, r) {
  document.title = 'Search · chartscan';
  const text = h('input', { type: 'search', name: 'q', id: 'search-q', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'search-error' });
  const helpBtn = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'search-help', text: 'Syntax help' });
  const help = h('div', { class: 'help-panel', id: 'search-help', hidden: true },
    h('h2', { text: 'Query syntax' }),
    h('ul', {},
      h('li', {}, h('code', { text: 'warfarin metoprolol' }), ' – pages with every word'),
      h('li', {}, h('code', { text: '"chest pain"' }), ' – an exact phrase; ', h('code', { text: 'metfor*' }), ' – a prefix'),
      h('li', {}, h('code', { text: 'AND' }), ', ', h('code', { text: 'OR' }), ', ', h('code', { text: 'NOT' }), ' and parentheses: ', h('code', { text: '"chest pain" NOT (type:consent OR type:correspondence)' })),
      h('li', {}, 'Filters: ', h('code', { text: 'mrn:00482913' }), ' ', h('code', { text: 'name:"margaret johnson"' }), ' ', h('code', { text: 'dob:1952-03-14' }), ' ', h('code', { text: 'type:discharge' }), ' ', h('code', { text: 'date:2019-01..2019-06' }), ' ', h('code', { text: 'batch:12' }), ' ', h('code', { text: 'code:E11' })),
      h('li', { text: 'Identifiers and names also match common OCR misreadings (0/O, 1/l, rn/m); those hits are marked “approximate”. Tick “Exact only” to turn this off.' })));
  helpBtn.addEventListener('click', () => {
    help.hidden = !help.hidden;
    helpBtn.setAttribute('aria-expanded', String(!help.hidden));
  });

  const name = h('input', { type: 'text', name: 'name', autocomplete: 'off', spellcheck: 'false' });
  const mrn = h('input', { type: 'text', name: 'mrn', autocomplete: 'off', spellcheck: 'false', inputmode: 'text' });
  const type = h('select', { name: 'type' }, h('option', { value: '', text: 'Any type' }), DOC_TYPES.map((t) => h('option', { value: t, text: docTypeLabel(t) })));
  const from = h('input', { type: 'text', name: 'from', placeholder: 'YYYY-MM-DD', autocomplete: 'off' });
  const to = h('input', { type: 'text', name: 'to', placeholder: 'YYYY-MM-DD', autocomplete: 'off' });
  const batch = h('input', { type: 'text', name: 'batch', inputmode: 'numeric', autocomplete: 'off' });
  const exact = h('input', { type: 'checkbox', name: 'exact', id: 'search-exact' });
  const error = h('div', { class: 'error inline-error', role: 'alert', id: 'search-error', hidden: true });
  const results = h('section', { class: 'results', 'aria-labelledby': 'results-title', id: 'results' });
  const inputs = { text, name, mrn, type, from, to, batch };

  const form = h('form', { role: 'search', class: 'search-form', 'aria-label': 'Search pages' },
    h('div', { class: 'search-row' },
      h('label', { for: 'search-q', class: 'search-label', text: 'Search' }),
      h('div', { class: 'search-box' }, text, h('button', { type: 'submit', class: 'primary', text: 'Search' }), helpBtn)),
    error,
    help,
    h('fieldset', { class: 'filters' },
      h('legend', { text: 'Filters' }),
      field('Patient name', name).wrap,
      field('MRN', mrn).wrap,
      field('Document type', type).wrap,
      field('Date from', from, 'YYYY, YYYY-MM or YYYY-MM-DD').wrap,
      field('Date to', to, 'YYYY, YYYY-MM or YYYY-MM-DD').wrap,
      field('Batch', batch).wrap,
      h('div', { class: 'field checkbox' }, exact, h('label', { for: 'search-exact', text: 'Exact only' })),
      h('div', { class: 'field actions' }, h('button', { type: 'button', class: 'secondary', text: 'Clear filters', on: { click: () => {
        for (const k of ['name', 'mrn', 'from', 'to', 'batch']) inputs[k].value = '';
        type.value = '';
        exact.checked = false;
        name.focus();
      } } }))));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = {};
    for (const k of SEARCH_KEYS) f[k] = inputs[k].value.trim();
    if (!composeQuery(f)) {
      showError('Type something to search for, or choose a filter.');
      text.focus();
      return;
    }
    const hash = searchHash(f, 0, exact.checked);
    if (location.hash === hash) route();
    else location.hash = hash;
  });

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    text.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  append(main, h('h1', { class: 'visually-hidden', tabindex: '-1', text: 'Search' }), form, results);

  async function update(params) {
    const seq = state.seq;
    const { f, offset, exact: ex } = readSearchParams(params);
    for (const k of SEARCH_KEYS) inputs[k].value = f[k];
    exact.checked = ex;
    showError('');
    const q = composeQuery(f);
    clear(results);
    if (!q) {
      results.append(h('h2', { id: 'results-title', class: 'visually-hidden', text: 'Results' }),
        h('p', { class: 'muted', text: 'Type words to find, or use the filters. Results are grouped by patient chart and document.' }));
      return;
    }
    const done = loading(results, 'Searching…');
    let data;
    try {
      data = await api(`/api/search${qs({ q, limit: PAGE_SIZE, offset, exact: ex ? 1 : 0 })}`);
    } catch (err) {
      if (stale(seq)) return;
      done();
      if (err instanceof ApiError && err.status === 400) {
        showError(sentence(err.message));
        results.append(h('h2', { id: 'results-title', class: 'visually-hidden', text: 'Results' }));
        setStatus('The query needs fixing.');
      } else {
        results.append(errorBox(err));
      }
      return;
    }
    if (stale(seq)) return;
    done();
    rememberHits(data, q, ex, offset, location.hash);
    renderResults(results, data, { q, exact: ex, offset, f });
    setStatus(data.total ? `${countText(data)} found.` : 'No pages match.');
  }

  state.search = { update };
  update(r.params);
  if (!r.params.toString()) text.focus();
  else focusHeading();
}

function countText(data) {
  if (data.total_capped) return `${fmtNumber(data.total)}+ pages`;
  return plural(data.total, 'page', 'pages');
}

function renderResults(results, data, { q, exact, offset, f }) {
  const hits = data.hits || [];
  const header = h('div', { class: 'results-header' });
  header.append(h('h2', { id: 'results-title', class: 'result-count', text: data.total ? countText(data) : 'No pages match' }));
  if (data.total && !data.total_capped && data.exact_total !== undefined && data.exact_total < data.total) {
    header.append(h('p', { class: 'muted', text: `${fmtNumber(data.exact_total)} exact, ${fmtNumber(data.total - data.exact_total)} approximate` }));
  }
  if (hits.length) header.append(h('p', { class: 'muted', text: `Showing ${fmtNumber(offset + 1)}–${fmtNumber(offset + hits.length)}` }));
  results.append(header);
  if (data.approximations && data.approximations.length) {
    results.append(h('div', { class: 'approximations' },
      h('p', { text: 'Also matched (OCR-tolerant):' }),
      h('ul', {}, data.approximations.map((a) => h('li', {}, h('code', { text: a }))))));
  }
  if (!hits.length && offset > 0) {
    results.append(h('p', {}, 'No more results. ', h('a', { href: searchHash(f, 0, exact), text: 'Back to the first page of results' })));
  }
  const groups = data.groups && data.groups.length ? data.groups : fallbackGroups(hits);
  for (const group of groups) {
    const chartHeader = h('div', { class: 'chart-header' });
    const title = group.chart_id ? (group.patient_name || 'Unnamed patient') : 'Pages in no chart';
    chartHeader.append(h('h3', { class: 'patient-name', text: title }));
    if (group.mrn) chartHeader.append(h('span', { class: 'mrn' }, 'MRN ', h('span', { class: 'mono', text: group.mrn })));
    if (group.chart_id) chartHeader.append(h('a', { href: `#/chart/${group.chart_id}`, class: 'chart-link', text: 'Open chart', 'aria-label': `Open chart of ${title}` }));
    const section = h('section', { class: 'chart-group', 'aria-label': `Chart: ${title}` }, chartHeader);
    for (const doc of group.documents || []) {
      const docTitle = doc.document_id ? docTypeLabel(doc.doc_type) : 'Pages in no document';
      const docHeader = h('div', { class: 'doc-header' }, h('h4', { text: docTitle }));
      if (doc.date_of_service) docHeader.append(h('span', { class: 'date', text: doc.date_of_service }));
      if (doc.document_id) docHeader.append(h('a', { href: `#/document/${doc.document_id}`, class: 'small-link', text: 'Document details' }));
      const list = h('ol', { class: 'hit-list' });
      for (const i of doc.hits || []) {
        const hit = hits[i];
        if (hit) list.append(renderHit(hit, offset + i, q, exact));
      }
      section.append(h('div', { class: 'doc-group' }, docHeader, list));
    }
    results.append(section);
  }
  // Paging
  const pager = h('nav', { class: 'pager', 'aria-label': 'Result pages' });
  const hasPrev = offset > 0;
  const hasNext = offset + hits.length < data.total && hits.length > 0;
  pager.append(hasPrev
    ? h('a', { class: 'button secondary', href: searchHash(f, Math.max(0, offset - PAGE_SIZE), exact), text: '← Previous' })
    : h('span', { class: 'button secondary disabled', 'aria-hidden': 'true', text: '← Previous' }));
  pager.append(hasNext
    ? h('a', { class: 'button secondary', href: searchHash(f, offset + PAGE_SIZE, exact), text: 'Next →' })
    : h('span', { class: 'button secondary disabled', 'aria-hidden': 'true', text: 'Next →' }));
  if (hasPrev || hasNext) results.append(pager);
}

function fallbackGroups(hits) {
  const groups = [];
  hits.forEach((hit, i) => {
    let g = groups.find((x) => x.chart_id === hit.chart_id);
    if (!g) groups.push(g = { chart_id: hit.chart_id, mrn: hit.mrn, patient_name: hit.patient_name, documents: [] });
    let d = g.documents.find((x) => x.document_id === hit.document_id);
    if (!d) g.documents.push(d = { document_id: hit.document_id, doc_type: hit.doc_type, date_of_service: hit.date_of_service, hits: [] });
    d.hits.push(i);
  });
  return groups;
}

function pageHash(pageId, q, exact, hit) {
  return `#/page/${pageId}${qs({ q, exact: exact ? 1 : '', hit })}`;
}

function renderHit(hit, index, q, exact) {
  const where = [];
  if (hit.document_pages) where.push(`Page ${hit.document_page} of ${hit.document_pages}`);
  if (hit.source) where.push(`${hit.source}, p. ${hit.source_page}`);
  const thumb = h('img', {
    class: 'thumb', src: imageUrl(hit.page_id, 'thumb'), loading: 'lazy', decoding: 'async', width: '100', height: '130',
    alt: `Thumbnail of page ${hit.page_id}`,
  });
  const link = h('a', { class: 'hit-link', href: pageHash(hit.page_id, q, exact, index) },
    thumb,
    h('span', { class: 'hit-body' },
      h('span', { class: 'hit-where' }, where.join(' · ') || `Page ${hit.page_id}`,
        hit.approximate ? [' ', badge('approximate', 'approx')] : null),
      h('span', { class: 'snippet' }, snippetNodes(hit.snippet))));
  return h('li', { class: 'hit' }, link);
}

// ---- The last search's hit list (for previous/next hit in the page view) -----------------------

function loadHits() {
  try {
    return JSON.parse(sessionStorage.getItem(HITS_KEY) || 'null');
  } catch {
    return null;
  }
}

function saveHits(h) {
  try {
    sessionStorage.setItem(HITS_KEY, JSON.stringify(h));
  } catch { /* storage full or disabled: hit navigation just stops at the slice */ }
}

function rememberHits(data, q, exact, offset, hash) {
  saveHits({
    q, exact, total: data.total, capped: Boolean(data.total_capped), base: offset,
    pages: (data.hits || []).map((x) => x.page_id), hash,
  });
}

// The page id of hit `index` of the remembered search, fetching more of the results if needed.
async function hitPage(index) {
  const hits = loadHits();
  if (!hits || index < 0 || index >= hits.total) return 0;
  if (index >= hits.base && index < hits.base + hits.pages.length) return hits.pages[index - hits.base];
  let offset;
  let limit = PAGE_SIZE;
  if (index === hits.base + hits.pages.length) {
    offset = index;
  } else if (index === hits.base - 1) {
    offset = Math.max(0, hits.base - PAGE_SIZE);
    limit = hits.base - offset;
  } else {
    return 0;
  }
  const data = await api(`/api/search${qs({ q: hits.q, limit, offset, exact: hits.exact ? 1 : 0 })}`);
  const pages = (data.hits || []).map((x) => x.page_id);
  if (!pages.length) return 0;
  if (offset > hits.base) hits.pages = hits.pages.concat(pages);
  else {
    hits.pages = pages.concat(hits.pages);
    hits.base = offset;
  }
  hits.total = data.total;
  saveHits(hits);
  return hits.pages[index - hits.base] || 0;
}

// ---- Page view ---------------------------------------------------------------------------------

async function renderPage(main, r, seq) {
  if (!validId(r.arg)) return notFound(main, 'There is no such page.');
  const pageId = Number(r.arg);
  const q = r.params.get('q') || '';
  const exact = r.params.get('exact') === '1';
  const hitIndex = r.params.has('hit') ? parseInt(r.params.get('hit'), 10) : -1;
  document.title = `Page ${pageId} · chartscan`;
  const done = loading(main);
  let page;
  try {
    page = await api(`/api/pages/${pageId}${qs({ q, exact: q && exact ? 1 : '' })}`);
  } catch (err) {
    if (stale(seq)) return;
    done();
    append(main, h('h1', { tabindex: '-1', text: `Page ${pageId}` }), errorBox(err));
    focusHeading();
    return;
  }
  if (stale(seq)) return;
  done();

  const W = Number(page.width) || 1;
  const H = Number(page.height) || 1;
  const words = page.words || [];
  const hitWords = (page.hits || []).filter((i) => Number.isInteger(i) && i >= 0 && i < words.length);
  const hits = loadHits();
  const inHitList = hitIndex >= 0 && hits && hits.q === q;

  // ---- header
  const title = `${docTypeLabel(page.doc_type)} – page ${page.document_pages ? `${page.document_page} of ${page.document_pages}` : pageId}`;
  const backLinks = h('p', { class: 'crumbs' });
  if (hits && hits.hash && q) backLinks.append(h('a', { href: hits.hash, text: '← Back to results' }));
  if (page.chart_id) backLinks.append(h('a', { href: `#/chart/${page.chart_id}`, text: 'Chart' }));
  if (page.document_id) backLinks.append(h('a', { href: `#/document/${page.document_id}`, text: 'Document' }));

  // ---- toolbar
  const keep = { q, exact: exact ? 1 : '' };
  const hrefPage = (id) => `#/page/${id}${qs(keep)}`;
  const prevPage = h('button', { type: 'button', class: 'secondary', text: '◀ Page', title: 'Previous page ([)', 'aria-keyshortcuts': '[', disabled: !page.prev_page_id });
  const nextPage = h('button', { type: 'button', class: 'secondary', text: 'Page ▶', title: 'Next page (])', 'aria-keyshortcuts': ']', disabled: !page.next_page_id });
  const prevHit = h('button', { type: 'button', class: 'secondary', text: '◀ Hit', title: 'Previous hit (p)', 'aria-keyshortcuts': 'p', disabled: !inHitList || hitIndex <= 0 });
  const nextHit = h('button', { type: 'button', class: 'secondary', text: 'Hit ▶', title: 'Next hit (n)', 'aria-keyshortcuts': 'n', disabled: !inHitList || hitIndex + 1 >= hits.total });
  const hitLabel = inHitList ? h('span', { class: 'hit-position', text: `Hit ${hitIndex + 1} of ${hits.capped ? `${hits.total}+` : hits.total}` }) : null;
  const zoomOut = h('button', { type: 'button', class: 'secondary', text: '−', 'aria-label': 'Zoom out', title: 'Zoom out (-)', 'aria-keyshortcuts': '-' });
  const zoomIn = h('button', { type: 'button', class: 'secondary', text: '+', 'aria-label': 'Zoom in', title: 'Zoom in (+)', 'aria-keyshortcuts': '+' });
  const zoomFit = h('button', { type: 'button', class: 'secondary', text: 'Fit', title: 'Fit to width (0)', 'aria-keyshortcuts': '0' });
  const zoomLabel = h('span', { class: 'zoom-label', 'aria-live': 'polite' });
  const kindBtn = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', title: 'Original scan (o)', 'aria-keyshortcuts': 'o', text: 'Original scan', disabled: !page.has_original });

  prevPage.addEventListener('click', () => page.prev_page_id && go(hrefPage(page.prev_page_id)));
  nextPage.addEventListener('click', () => page.next_page_id && go(hrefPage(page.next_page_id)));
  async function goHit(delta) {
    if (!inHitList) return;
    const target = hitIndex + delta;
    try {
      const id = await hitPage(target);
      if (stale(seq)) return;
      if (id) go(pageHash(id, q, exact, target));
      else setStatus(delta > 0 ? 'This is the last hit.' : 'This is the first hit.');
    } catch (err) {
      if (!stale(seq)) setStatus(errorText(err));
    }
  }
  prevHit.addEventListener('click', () => goHit(-1));
  nextHit.addEventListener('click', () => goHit(1));

  const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Page tools' },
    h('div', { class: 'tool-group' }, prevPage, nextPage),
    q ? h('div', { class: 'tool-group' }, prevHit, nextHit, hitLabel) : null,
    h('div', { class: 'tool-group' }, zoomOut, zoomIn, zoomFit, zoomLabel),
    h('div', { class: 'tool-group' }, kindBtn));

  // ---- image with hit boxes
  const img = h('img', { class: 'page-image', alt: `Cleaned image of page ${pageId}`, draggable: 'false' });
  const overlay = h('div', { class: 'overlay', 'aria-hidden': 'true' });
  for (const i of hitWords) {
    const w = words[i];
    const box = h('div', { class: 'hit-box', dataset: { word: String(i) } });
    box.style.left = `${(w.x / W) * 100}%`;
    box.style.top = `${(w.y / H) * 100}%`;
    box.style.width = `${(w.w / W) * 100}%`;
    box.style.height = `${(w.h / H) * 100}%`;
    overlay.append(box);
  }
  const stage = h('div', { class: 'stage' }, img, overlay);
  const viewport = h('div', {
    class: 'viewport', tabindex: '0', role: 'region', 'aria-roledescription': 'page image',
    'aria-label': `Page image. ${hitWords.length ? plural(hitWords.length, 'highlighted hit', 'highlighted hits') + '. ' : ''}Arrow keys pan, plus and minus zoom.`,
  }, stage);
  const imageStatus = h('p', { class: 'image-note', 'aria-live': 'polite' });
  const imageError = h('div', { class: 'error', role: 'alert', hidden: true });

  let kind = 'cleaned';
  let natW = W;
  let natH = H;
  let scale = 0;
  let fitMode = true;

  function fitScale() {
    const avail = Math.max(100, viewport.clientWidth - 2);
    return avail / natW;
  }
  function applyScale(next, anchor) {
    const old = scale || next;
    scale = Math.min(4, Math.max(0.05, next));
    const vx = anchor ? anchor.x : viewport.clientWidth / 2;
    const vy = anchor ? anchor.y : viewport.clientHeight / 2;
    const cx = (viewport.scrollLeft + vx) / old;
    const cy = (viewport.scrollTop + vy) / old;
    stage.style.width = `${Math.round(natW * scale)}px`;
    stage.style.height = `${Math.round(natH * scale)}px`;
    viewport.scrollLeft = cx * scale - vx;
    viewport.scrollTop = cy * scale - vy;
    zoomLabel.textContent = `${Math.round(scale * 100)}%`;
  }
  function fit() {
    fitMode = true;
    applyScale(fitScale());
  }
  function zoom(factor) {
    fitMode = false;
    applyScale(scale * factor);
  }
  zoomIn.addEventListener('click', () => zoom(1.25));
  zoomOut.addEventListener('click', () => zoom(0.8));
  zoomFit.addEventListener('click', fit);

  function setKind(next) {
    kind = next;
    const original = kind === 'original';
    kindBtn.setAttribute('aria-pressed', String(original));
    kindBtn.textContent = original ? 'Cleaned image' : 'Original scan';
    kindBtn.title = original ? 'Back to the cleaned image (o)' : 'Original scan (o)';
    overlay.hidden = original;
    img.alt = original ? `Original scan of page ${pageId}` : `Cleaned image of page ${pageId}`;
    imageStatus.textContent = original
      ? 'Showing the original scan. Hit boxes are hidden: the original is not deskewed or cleaned, so the word positions do not match it.'
      : (hitWords.length ? `Showing the cleaned image with ${plural(hitWords.length, 'hit', 'hits')} boxed.` : 'Showing the cleaned image.');
    imageError.hidden = true;
    img.src = imageUrl(pageId, original ? 'original' : 'cleaned');
  }
  kindBtn.addEventListener('click', () => page.has_original && setKind(kind === 'original' ? 'cleaned' : 'original'));
  let firstLoad = true;
  img.addEventListener('load', () => {
    if (kind === 'original') {
      natW = img.naturalWidth || W;
      natH = img.naturalHeight || H;
    } else {
      natW = W;
      natH = H;
    }
    if (fitMode) fit();
    else applyScale(scale);
    if (firstLoad) {
      firstLoad = false;
      scrollToFirstHit();
    }
  });
  img.addEventListener('error', () => {
    imageError.textContent = 'The image could not be loaded.';
    imageError.hidden = false;
  });

  function scrollToFirstHit() {
    if (!hitWords.length || kind !== 'cleaned') return;
    const w = words[hitWords[0]];
    const y = (w.y / H) * natH * scale;
    if (y > viewport.clientHeight * 0.6) viewport.scrollTop = y - viewport.clientHeight / 3;
  }

  // Pan by dragging.
  let drag = null;
  viewport.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, left: viewport.scrollLeft, top: viewport.scrollTop, id: ev.pointerId };
    viewport.setPointerCapture(ev.pointerId);
    viewport.classList.add('dragging');
  });
  viewport.addEventListener('pointermove', (ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    viewport.scrollLeft = drag.left - (ev.clientX - drag.x);
    viewport.scrollTop = drag.top - (ev.clientY - drag.y);
  });
  const endDrag = () => {
    drag = null;
    viewport.classList.remove('dragging');
  };
  viewport.addEventListener('pointerup', endDrag);
  viewport.addEventListener('pointercancel', endDrag);
  viewport.addEventListener('wheel', (ev) => {
    if (!ev.ctrlKey) return;
    ev.preventDefault();
    const rect = viewport.getBoundingClientRect();
    fitMode = false;
    applyScale(scale * (ev.deltaY < 0 ? 1.1 : 0.9), { x: ev.clientX - rect.left, y: ev.clientY - rect.top });
  }, { passive: false });
  // Pan with the arrow keys when the image has focus.
  viewport.addEventListener('keydown', (ev) => {
    const step = ev.shiftKey ? 200 : 50;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const m = moves[ev.key];
    if (!m) return;
    ev.preventDefault();
    viewport.scrollBy(m[0], m[1]);
  });

  onScreen(window, 'resize', () => fitMode && fit());
  onScreen(document, 'keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typingTarget(ev)) return;
    const actions = {
      '[': () => prevPage.click(), ']': () => nextPage.click(),
      n: () => !nextHit.disabled && nextHit.click(), p: () => !prevHit.disabled && prevHit.click(),
      '+': () => zoom(1.25), '=': () => zoom(1.25), '-': () => zoom(0.8), 0: fit,
      o: () => kindBtn.click(),
    };
    const action = actions[ev.key];
    if (!action) return;
    ev.preventDefault();
    action();
  });

  // ---- recognized text
  const textPanel = h('section', { class: 'panel text-panel', 'aria-labelledby': 'text-title' }, h('h2', { id: 'text-title', text: 'Recognized text' }));
  const textBody = h('div', { class: 'ocr-text', tabindex: '0', role: 'region', 'aria-label': 'Recognized text' });
  if (words.length) {
    const hitSet = new Set(hitWords);
    const lines = new Map();
    words.forEach((w, i) => {
      const key = Number.isInteger(w.line) ? w.line : 0;
      if (!lines.has(key)) lines.set(key, []);
      lines.get(key).push(i);
    });
    for (const key of [...lines.keys()].sort((a, b) => a - b)) {
      const line = h('div', { class: 'ocr-line' });
      lines.get(key).forEach((i, n) => {
        if (n) line.append(' ');
        line.append(hitSet.has(i) ? h('mark', { dataset: { word: String(i) }, text: words[i].text }) : words[i].text);
      });
      textBody.append(line);
    }
  } else if (page.text) {
    textBody.append(h('pre', { text: page.text }));
  } else {
    textBody.append(h('p', { class: 'muted', text: page.blank ? 'This page is blank.' : 'No text was recognized on this page.' }));
  }
  textPanel.append(textBody);

  // ---- details
  const quality = page.quality || {};
  const flags = [];
  if (page.blank) flags.push(badge('blank', 'info'));
  if (page.misfiled) flags.push(badge('possibly misfiled', 'warn'));
  if (page.error) flags.push(badge(`error: ${page.error}`, 'error'));
  const details = h('section', { class: 'panel details-panel', 'aria-labelledby': 'details-title' },
    h('h2', { id: 'details-title', text: 'About this page' }),
    dl([
      ['Document type', docTypeLabel(page.doc_type)],
      ['Chart', page.chart_id ? h('a', { href: `#/chart/${page.chart_id}`, text: `Chart ${page.chart_id}` }) : 'In no chart'],
      ['Document', page.document_id ? h('a', { href: `#/document/${page.document_id}`, text: `Document ${page.document_id}${page.document_pages ? `, page ${page.document_page} of ${page.document_pages}` : ''}` }) : 'In no document'],
      ['Source', `${page.source || '–'}, page ${page.source_page ?? '–'}`],
      ['Batch', page.batch_id ? h('a', { href: `#/batch/${page.batch_id}`, text: `Batch ${page.batch_id}` }) : '–'],
      ['Size', `${fmtNumber(W)} × ${fmtNumber(H)} px`],
      ['OCR confidence', quality.ocr_confidence !== undefined ? fmtNumber(quality.ocr_confidence, 1) : '–'],
      ['Orientation', quality.orientation !== undefined ? `${quality.orientation}°` : '–'],
      ['Skew', quality.skew !== undefined ? `${fmtNumber(quality.skew, 2)}°` : '–'],
      ['Resolution', quality.dpi ? `${fmtNumber(quality.dpi)} dpi` : '–'],
      ['Binarized', quality.binarized === undefined ? '–' : (quality.binarized ? 'yes' : 'no')],
      ['Flags', flags.length ? flags : 'none'],
    ]));
  details.append(fieldsTable(page.fields || [], 'Fields found on this page'));

  append(main, 
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', text: title }), backLinks),
    toolbar,
    h('p', { class: 'shortcuts', id: 'page-shortcuts' },
      'Keys: ', h('kbd', { text: '[' }), ' ', h('kbd', { text: ']' }), ' previous/next page · ',
      h('kbd', { text: 'p' }), ' ', h('kbd', { text: 'n' }), ' previous/next hit · ',
      h('kbd', { text: '+' }), ' ', h('kbd', { text: '−' }), ' ', h('kbd', { text: '0' }), ' zoom in/out/fit · ',
      h('kbd', { text: 'o' }), ' original/cleaned · arrow keys pan when the image has focus; drag to pan.'),
    h('div', { class: 'page-layout' },
      h('section', { class: 'image-panel', 'aria-label': 'Page image' }, imageStatus, imageError, viewport),
      h('div', { class: 'side' }, textPanel, details)));
  viewport.setAttribute('aria-describedby', 'page-shortcuts');
  // Provisional size until the image loads.
  scale = fitScale();
  stage.style.width = `${Math.round(W * scale)}px`;
  stage.style.height = `${Math.round(H * scale)}px`;
  setKind('cleaned');
  focusHeading();
}

function fieldsTable(fields, caption) {
  if (!fields.length) return h('p', { class: 'muted', text: 'No fields were extracted.' });
  const rows = fields.map((f) => h('tr', {},
    h('th', { scope: 'row', text: f.name }),
    h('td', { text: f.value ?? '' }),
    h('td', { text: f.normalized ?? '' }),
    h('td', { text: fmtConfidence(f.confidence) }),
    h('td', {}, f.needs_review ? badge('needs review', 'warn') : (f.verified_by ? `verified by ${f.verified_by}${f.verified_at ? `, ${fmtTime(f.verified_at)}` : ''}` : ''))));
  return table(caption, ['Field', 'Value', 'Normalized', 'Confidence', 'Review'], rows);
}

function notFound(main, text) {
  append(main, h('h1', { tabindex: '-1', text: 'Not found' }), h('p', { text }));
  focusHeading();
}

// ---- Chart view --------------------------------------------------------------------------------

async function renderChart(main, r, seq) {
  if (!validId(r.arg)) return notFound(main, 'There is no such chart.');
  document.title = `Chart ${r.arg} · chartscan`;
  const done = loading(main);
  let chart;
  try {
    chart = await api(`/api/charts/${r.arg}`);
  } catch (err) {
    if (stale(seq)) return;
    done();
    append(main, h('h1', { tabindex: '-1', text: `Chart ${r.arg}` }), errorBox(err));
    focusHeading();
    return;
  }
  if (stale(seq)) return;
  done();
  const docs = chart.documents || [];
  const reviewCount = docs.filter((d) => d.needs_review).length;
  const header = h('header', { class: 'patient-header' },
    h('h1', { tabindex: '-1', text: chart.patient_name || 'Unnamed patient' }),
    dl([
      ['MRN', h('span', { class: 'mono', text: chart.mrn || '–' })],
      ['Date of birth', chart.dob || '–'],
      ['Roster match', chart.roster_match || 'none'],
      ['Pages', fmtNumber(chart.pages)],
      ['Documents', fmtNumber(docs.length)],
    ]),
    reviewCount ? badge(`${reviewCount} ${reviewCount === 1 ? 'document needs' : 'documents need'} review`, 'warn') : null);
  append(main, header);
  if (!docs.length) {
    append(main, h('p', { class: 'muted', text: 'This chart has no documents.' }));
  }
  // Documents arrive by type, then newest first; group consecutive types.
  const byType = new Map();
  for (const d of docs) {
    if (!byType.has(d.doc_type)) byType.set(d.doc_type, []);
    byType.get(d.doc_type).push(d);
  }
  for (const [type, list] of byType) {
    const items = list.map((d) => h('li', { class: 'doc-item' },
      d.first_page_id
        ? h('a', { href: `#/page/${d.first_page_id}`, class: 'doc-open' }, `${docTypeLabel(type)}, ${d.date_of_service || 'no date'}`)
        : h('span', { text: `${docTypeLabel(type)}, ${d.date_of_service || 'no date'}` }),
      h('span', { class: 'muted', text: ` ${plural(d.pages, 'page', 'pages')}` }),
      d.needs_review ? [' ', badge('needs review', 'warn')] : null,
      ' ',
      h('a', { href: `#/document/${d.document_id}`, class: 'small-link', text: 'details', 'aria-label': `Details of ${docTypeLabel(type)} ${d.date_of_service || ''}` })));
    append(main, h('section', { class: 'doc-type-group', 'aria-label': docTypeLabel(type) },
      h('h2', { text: `${docTypeLabel(type)} (${list.length})` }),
      h('ul', { class: 'doc-list' }, items)));
  }
  focusHeading();
}

// ---- Document view -----------------------------------------------------------------------------

async function renderDocument(main, r, seq) {
  if (!validId(r.arg)) return notFound(main, 'There is no such document.');
  document.title = `Document ${r.arg} · chartscan`;
  const done = loading(main);
  let doc;
  try {
    doc = await api(`/api/documents/${r.arg}`);
  } catch (err) {
    if (stale(seq)) return;
    done();
    append(main, h('h1', { tabindex: '-1', text: `Document ${r.arg}` }), errorBox(err));
    focusHeading();
    return;
  }
  if (stale(seq)) return;
  done();
  const pages = doc.page_ids || [];
  append(main, 
    h('h1', { tabindex: '-1', text: `${docTypeLabel(doc.doc_type)}${doc.date_of_service ? `, ${doc.date_of_service}` : ''}` }),
    doc.needs_review ? badge('needs review', 'warn') : null,
    dl([
      ['Chart', doc.chart_id ? h('a', { href: `#/chart/${doc.chart_id}`, text: `Chart ${doc.chart_id}` }) : 'In no chart'],
      ['Batch', doc.batch_id ? h('a', { href: `#/batch/${doc.batch_id}`, text: `Batch ${doc.batch_id}` }) : '–'],
      ['Pages', fmtNumber(pages.length)],
      ['Split at', doc.boundary ? String(doc.boundary).replace(/_/g, ' ') : '–'],
    ]),
    h('p', {}, h('a', { class: 'button secondary', href: `/api/documents/${doc.document_id}/export`, download: `document-${doc.document_id}.json`, text: 'Export as JSON' })),
    h('h2', { text: 'Pages' }),
    h('ol', { class: 'page-thumbs' }, pages.map((id, i) => h('li', {},
      h('a', { href: `#/page/${id}` },
        h('img', { class: 'thumb', src: imageUrl(id, 'thumb'), loading: 'lazy', alt: '', width: '100', height: '130' }),
        h('span', { text: `Page ${i + 1}` }))))),
    h('h2', { text: 'Fields' }),
    fieldsTable(doc.fields || [], 'Fields of this document'));
  focusHeading();
}

// ---- Verification queue ------------------------------------------------------------------------

async function renderReview(main, r, seq) {
  document.title = 'Review · chartscan';
  const heading = h('h1', { tabindex: '-1', text: 'Verification queue' });
  const help = h('p', { class: 'shortcuts', id: 'review-keys' },
    'Keys: ', h('kbd', { text: 'j' }), '/', h('kbd', { text: '↓' }), ' next · ',
    h('kbd', { text: 'k' }), '/', h('kbd', { text: '↑' }), ' previous · ',
    h('kbd', { text: 'Enter' }), ' or ', h('kbd', { text: 'a' }), ' accept · ',
    h('kbd', { text: 'c' }), ' or ', h('kbd', { text: 'e' }), ' correct (', h('kbd', { text: 'Enter' }), ' saves, ', h('kbd', { text: 'Esc' }), ' cancels).');
  const summary = h('p', { class: 'queue-summary', 'aria-live': 'polite' });
  const list = h('ul', { class: 'queue', role: 'listbox', tabindex: '0', 'aria-label': 'Items to verify', 'aria-describedby': 'review-keys' });
  const detail = h('section', { class: 'panel review-detail', 'aria-label': 'Current item', 'aria-live': 'polite' });
  const resolvedList = h('ul', { class: 'resolved-list' });
  const resolvedSection = h('section', { class: 'panel', hidden: true, 'aria-labelledby': 'resolved-title' },
    h('h2', { id: 'resolved-title', text: 'Resolved in this session' }), resolvedList);
  append(main, heading, help, summary, h('div', { class: 'review-layout' }, h('div', { class: 'queue-col' }, list), detail), resolvedSection);

  let items = [];
  let total = 0;
  let current = 0;
  let busy = false;
  let editing = null;  // {input, error}

  async function load() {
    const done = loading(list.parentElement, 'Loading the queue…');
    try {
      const data = await api(`/api/review${qs({ offset: 0, limit: 50 })}`);
      if (stale(seq)) return;
      items = data.items || [];
      total = Number(data.total) || items.length;
      current = Math.min(current, Math.max(0, items.length - 1));
    } catch (err) {
      if (stale(seq)) return;
      items = [];
      total = 0;
      clear(detail).append(errorBox(err));
    } finally {
      done();
    }
    draw();
  }

  function itemLabel(it) {
    const kind = { field: 'Field', type: 'Document type', misfile: 'Possible misfile' }[it.kind] || it.kind;
    return `${kind}: ${it.field}`;
  }

  function draw() {
    clear(list);
    summary.textContent = total ? `${plural(total, 'item', 'items')} to verify${total > items.length ? ` (showing the first ${items.length})` : ''}.` : '';
    if (!items.length) {
      list.removeAttribute('aria-activedescendant');
      list.append(h('li', { class: 'queue-empty', text: 'Nothing to verify. The queue is empty.' }));
      if (!detail.querySelector('.error')) clear(detail).append(h('p', { class: 'muted', text: 'No item selected.' }));
      return;
    }
    items.forEach((it, i) => {
      const id = `review-item-${i}`;
      const li = h('li', { id, role: 'option', 'aria-selected': String(i === current), class: i === current ? 'current' : '', dataset: { item: it.item_id } },
        h('span', { class: 'q-field', text: itemLabel(it) }),
        h('span', { class: 'q-value', text: it.value ?? '' }),
        h('span', { class: 'q-conf', text: fmtConfidence(it.confidence) }));
      li.addEventListener('click', () => {
        current = i;
        cancelEdit(false);
        draw();
        list.focus();
      });
      list.append(li);
    });
    list.setAttribute('aria-activedescendant', `review-item-${current}`);
    const cur = list.children[current];
    if (cur) cur.scrollIntoView({ block: 'nearest' });
    drawDetail();
  }

  function drawDetail() {
    const it = items[current];
    clear(detail);
    editing = null;
    if (!it) return;
    const hasBox = Number(it.w) > 0 && Number(it.h) > 0 && it.page_id;
    const evidence = hasBox
      ? h('img', { class: 'evidence', src: imageUrl(it.page_id, 'cleaned', it), alt: `Evidence for ${it.field} on page ${it.page_id}` })
      : (it.page_id ? h('img', { class: 'evidence', src: imageUrl(it.page_id, 'thumb'), alt: `Page ${it.page_id} (no box recorded for this item)` }) : null);
    const accept = h('button', { type: 'button', class: 'primary', text: 'Accept (a)', 'aria-keyshortcuts': 'a Enter', disabled: busy });
    const correct = h('button', { type: 'button', class: 'secondary', text: 'Correct (c)', 'aria-keyshortcuts': 'c e', disabled: busy });
    accept.addEventListener('click', () => resolve({ action: 'accept' }));
    correct.addEventListener('click', () => startEdit());
    // The roster's value, one click away when the value read disagrees with it.
    const fromIndex = it.roster_value && it.reason === 'differs from the patient index'
      ? h('button', { type: 'button', class: 'secondary', text: 'Use the patient index value', disabled: busy })
      : null;
    if (fromIndex) fromIndex.addEventListener('click', () => resolve({ action: 'correct', value: it.roster_value }));
    detail.append(
      h('h2', { text: itemLabel(it) }),
      h('div', { class: 'evidence-wrap' }, evidence),
      dl([
        ['Extracted value', h('span', { class: 'mono value', text: it.value ?? '' })],
        ['Normalized', it.normalized ? h('span', { class: 'mono', text: it.normalized }) : '–'],
        ['Confidence', fmtConfidence(it.confidence)],
        ['Reason', it.reason || '–'],
        ...(it.roster_value ? [['Patient index', h('span', { class: 'mono', text: it.roster_value })]] : []),
        ['Page', it.page_id ? h('a', { href: `#/page/${it.page_id}`, text: `Page ${it.page_id}` }) : '–'],
        ['Document', it.document_id ? h('a', { href: `#/document/${it.document_id}`, text: `Document ${it.document_id}` }) : '–'],
        ['Chart', it.chart_id ? h('a', { href: `#/chart/${it.chart_id}`, text: `Chart ${it.chart_id}` }) : '–'],
      ]),
      h('div', { class: 'actions' }, accept, correct, fromIndex));
  }

  function startEdit() {
    const it = items[current];
    if (!it || busy) return;
    if (editing) {
      editing.input.focus();
      return;
    }
    const input = h('input', { type: 'text', value: it.normalized || it.value || '', autocomplete: 'off', spellcheck: 'false', class: 'correction-input' });
    const error = h('div', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'correction-form' },
      field(`Corrected value for ${it.field}`, input, 'Enter saves, Esc cancels').wrap,
      error,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', text: 'Save correction' }),
        h('button', { type: 'button', class: 'secondary', text: 'Cancel', on: { click: () => cancelEdit(true) } })));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const value = input.value.trim();
      if (!value) {
        error.textContent = 'Type the corrected value, or press Esc to cancel.';
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        return;
      }
      resolve({ action: 'correct', value });
    });
    form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        cancelEdit(true);
      }
    });
    detail.append(form);
    editing = { input, error, form };
    input.focus();
    input.select();
  }

  function cancelEdit(refocus) {
    if (!editing) return;
    editing.form.remove();
    editing = null;
    if (refocus) list.focus();
  }

  async function resolve(body) {
    const it = items[current];
    if (!it || busy) return;
    busy = true;
    for (const b of detail.querySelectorAll('button')) b.disabled = true;
    try {
      const data = await api(`/api/review/${encodeURIComponent(it.item_id)}`, { method: 'POST', body });
      if (stale(seq)) return;
      const now = (data && data.item) || {};
      const who = now.verified_by || now.resolved_by || '';
      const when = now.verified_at || now.resolved_at || '';
      const verb = body.action === 'accept' ? 'Accepted' : 'Corrected';
      const shown = body.action === 'accept' ? (it.normalized || it.value) : (now.normalized || now.value || body.value);
      const line = `${verb} ${it.field} (document ${it.document_id}): ${shown}${who ? ` — by ${who}` : ''}${when ? `, ${fmtTime(when)}` : ''}`;
      resolvedList.prepend(h('li', { text: line }));
      resolvedSection.hidden = false;
      setStatus(`${verb} ${it.field}.${who ? ` Recorded as verified by ${who}.` : ''}`);
      items.splice(current, 1);
      total = Math.max(0, total - 1);
      busy = false;
      if (!items.length && total > 0) await load();
      else {
        current = Math.min(current, Math.max(0, items.length - 1));
        draw();
      }
      list.focus();
    } catch (err) {
      busy = false;
      if (stale(seq)) return;
      for (const b of detail.querySelectorAll('button')) b.disabled = false;
      if (editing && err instanceof ApiError && err.status === 400) {
        editing.error.textContent = sentence(err.message);
        editing.error.hidden = false;
        editing.input.setAttribute('aria-invalid', 'true');
        editing.input.focus();
      } else if (err instanceof ApiError && err.status === 404) {
        setStatus('That item was already resolved; reloading the queue.');
        await load();
        list.focus();
      } else {
        const box = errorBox(err);
        detail.append(box);
        if (editing) editing.input.focus();
        else list.focus();
      }
    }
  }

  function move(delta) {
    if (!items.length) return;
    current = Math.min(items.length - 1, Math.max(0, current + delta));
    draw();
  }

  onScreen(document, 'keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typingTarget(ev) || busy) return;
    const onControl = ev.target instanceof Element && ev.target.matches('button, a, summary');
    let handled = true;
    switch (ev.key) {
      case 'j': case 'ArrowDown': move(1); break;
      case 'k': case 'ArrowUp': move(-1); break;
      case 'Home': move(-items.length); break;
      case 'End': move(items.length); break;
      case 'a': resolve({ action: 'accept' }); break;
      case 'Enter': if (onControl) handled = false; else resolve({ action: 'accept' }); break;
      case 'c': case 'e': startEdit(); break;
      default: handled = false;
    }
    if (handled) ev.preventDefault();
  });

  focusHeading();
  await load();
  if (!stale(seq) && items.length) list.focus();
}

// ---- Batches -----------------------------------------------------------------------------------

function batchState(b) {
  const parts = [b.state || '–'];
  if (b.live) parts.push('live');
  return parts.join(', ');
}

async function renderBatches(main, r, seq) {
  document.title = 'Batches · chartscan';
  append(main, h('h1', { tabindex: '-1', text: 'Batches' }));
  focusHeading();
  const done = loading(main);
  let data;
  try {
    data = await api('/api/batches');
  } catch (err) {
    if (stale(seq)) return;
    done();
    append(main, errorBox(err));
    return;
  }
  if (stale(seq)) return;
  done();
  const batches = data.batches || [];
  if (!batches.length) {
    append(main, h('p', { class: 'muted', text: 'No batches have been ingested into this store yet.' }));
    return;
  }
  const rows = batches.map((b) => h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/batch/${b.batch_id}`, text: `${b.batch_id}` })),
    h('td', { text: b.name || '–' }),
    h('td', { text: b.kind || '–' }),
    h('td', {}, batchState(b), b.stop_reason ? h('span', { class: 'muted', text: ` (${b.stop_reason})` }) : null),
    h('td', { text: fmtTime(b.started) }),
    h('td', { class: 'num', text: `${fmtNumber(b.done)} / ${fmtNumber(b.pages)}` }),
    h('td', { class: 'num', text: fmtNumber(b.failed) }),
    h('td', { class: 'num', text: fmtNumber(b.blank) }),
    h('td', { class: 'num' }, b.flagged ? badge(fmtNumber(b.flagged), 'warn') : '0'),
    h('td', { class: 'num', text: fmtNumber(b.documents) }),
    h('td', { class: 'num', text: `${fmtNumber(b.sources)}${b.file_failures ? ` (${fmtNumber(b.file_failures)} set aside)` : ''}` }),
    h('td', {}, b.sheet_mismatch ? badge(`${fmtNumber(b.sheets_captured)} of ${fmtNumber(b.declared_sheets)} sheets`, 'error') : (b.declared_sheets ? `${fmtNumber(b.sheets_captured)} of ${fmtNumber(b.declared_sheets)}` : '–'))));
  append(main, table('Batches in this store', ['Batch', 'Name', 'Kind', 'State', 'Started', 'Pages done', 'Failed', 'Blank', 'Flagged', 'Documents', 'Files', 'Sheets'], rows));
}

async function renderBatch(main, r, seq) {
  if (!validId(r.arg)) return notFound(main, 'There is no such batch.');
  document.title = `Batch ${r.arg} · chartscan`;
  const done = loading(main);
  let b;
  try {
    b = await api(`/api/batches/${r.arg}`);
  } catch (err) {
    if (stale(seq)) return;
    done();
    append(main, h('h1', { tabindex: '-1', text: `Batch ${r.arg}` }), errorBox(err));
    focusHeading();
    return;
  }
  if (stale(seq)) return;
  done();
  append(main, 
    h('p', { class: 'crumbs' }, h('a', { href: '#/batches', text: '← All batches' })),
    h('h1', { tabindex: '-1', text: `Batch ${b.batch_id}${b.name ? `: ${b.name}` : ''}` }),
    b.sheet_mismatch ? h('div', { class: 'error', role: 'alert' }, h('p', { text: `Sheet count mismatch: ${fmtNumber(b.declared_sheets)} sheets declared, ${fmtNumber(b.sheets_captured)} captured.` })) : null,
    dl([
      ['State', batchState(b)],
      ['Stop reason', b.stop_reason || '–'],
      ['Kind', b.kind || '–'],
      ['Started', fmtTime(b.started)],
      ['Finished', fmtTime(b.finished)],
      ['Pages', `${fmtNumber(b.done)} done of ${fmtNumber(b.pages)}`],
      ['Failed pages', fmtNumber(b.failed)],
      ['Blank pages dropped', fmtNumber(b.blank)],
      ['Flagged for quality', fmtNumber(b.flagged)],
      ['Documents', fmtNumber(b.documents)],
      ['Files', fmtNumber(b.sources)],
      ['Files set aside', fmtNumber(b.file_failures)],
      ['Lost sides', fmtNumber(b.lost_sides)],
      ['Sheets', b.declared_sheets ? `${fmtNumber(b.sheets_captured)} captured of ${fmtNumber(b.declared_sheets)} declared` : `${fmtNumber(b.sheets_captured)} captured`],
    ]));
  const failures = b.failures || [];
  append(main, h('h2', { text: `Files set aside (${failures.length})` }));
  if (failures.length) {
    append(main, table('Files set aside', ['File', 'Code', 'Message'], failures.map((f) => h('tr', {},
      h('td', { class: 'mono', text: f.file || '' }), h('td', { text: f.code || '' }), h('td', { text: f.message || '' })))));
  } else append(main, h('p', { class: 'muted', text: 'None.' }));
  const rescan = b.rescan || [];
  append(main, h('h2', { text: `Pages to rescan (${rescan.length})` }));
  if (rescan.length) {
    append(main, table('Pages to rescan', ['Page', 'Source', 'Reasons'], rescan.map((p) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/page/${p.page_id}`, text: `Page ${p.page_id}` })),
      h('td', { text: `${p.source || ''}, page ${p.source_page ?? ''}` }),
      h('td', {}, h('ul', { class: 'plain' }, (p.reasons || []).map((x) => h('li', { text: x }))))))));
  } else append(main, h('p', { class: 'muted', text: 'None: every page read well.' }));
  focusHeading();
}

// ---- Admin -------------------------------------------------------------------------------------

async function renderAdmin(main, r, seq) {
  document.title = 'Admin · chartscan';
  append(main, h('h1', { tabindex: '-1', text: 'Administration' }));
  const usersSection = h('section', { class: 'panel', 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title', text: 'Users' }));
  const usersError = h('div', { class: 'error', role: 'alert', hidden: true });
  const usersBody = h('div');
  usersSection.append(usersError, usersBody);

  // Add user
  const newName = h('input', { type: 'text', autocomplete: 'off', required: true, spellcheck: 'false' });
  const newRole = h('select', {}, ROLES.map((x) => h('option', { value: x, text: x })));
  const newPassword = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '12' });
  const addError = h('div', { class: 'error', role: 'alert', hidden: true });
  const addForm = h('form', { class: 'add-user', 'aria-labelledby': 'add-user-title' },
    h('h3', { id: 'add-user-title', text: 'Add a user' }),
    h('div', { class: 'form-row' },
      field('Name', newName).wrap,
      field('Role', newRole).wrap,
      field('Password', newPassword, 'At least 12 characters').wrap,
      h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'primary', text: 'Add user' }))),
    addError);
  addForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    addError.hidden = true;
    const name = newName.value.trim();
    if (!name || newPassword.value.length < 12) {
      addError.textContent = !name ? 'Enter a name.' : 'The password needs at least 12 characters.';
      addError.hidden = false;
      (!name ? newName : newPassword).focus();
      return;
    }
    try {
      await api('/api/users', { method: 'POST', body: { name, role: newRole.value, password: newPassword.value } });
      newName.value = '';
      newPassword.value = '';
      setStatus(`User ${name} added as ${newRole.value}.`);
      await loadUsers();
      newName.focus();
    } catch (err) {
      addError.textContent = errorText(err);
      addError.hidden = false;
      newName.focus();
    }
  });
  usersSection.append(addForm);

  async function changeUser(name, body, what, focusSel) {
    usersError.hidden = true;
    try {
      await api(`/api/users/${encodeURIComponent(name)}`, { method: 'POST', body });
      setStatus(`${name}: ${what}.`);
      await loadUsers();
      const again = focusSel && usersBody.querySelector(focusSel);
      if (again) again.focus();
    } catch (err) {
      usersError.textContent = `${name}: ${errorText(err)}`;
      usersError.hidden = false;
      usersError.scrollIntoView({ block: 'nearest' });
    }
  }

  async function loadUsers() {
    let data;
    try {
      data = await api('/api/users');
    } catch (err) {
      if (stale(seq)) return;
      clear(usersBody).append(errorBox(err));
      return;
    }
    if (stale(seq)) return;
    const users = data.users || [];
    const rows = users.map((u, i) => {
      const key = `u${i}`;
      const role = h('select', { 'aria-label': `Role of ${u.name}`, dataset: { k: `${key}-role` } }, ROLES.map((x) => h('option', { value: x, text: x, selected: x === u.role })));
      const saveRole = h('button', { type: 'button', class: 'secondary', text: 'Set role', dataset: { k: `${key}-setrole` }, 'aria-label': `Set role of ${u.name}` });
      saveRole.addEventListener('click', () => {
        if (role.value === u.role) return setStatus(`${u.name} already has the role ${u.role}.`);
        changeUser(u.name, { role: role.value }, `role set to ${role.value}`, `[data-k="${key}-setrole"]`);
      });
      const toggle = h('button', { type: 'button', class: 'secondary', dataset: { k: `${key}-toggle` }, text: u.disabled ? 'Enable' : 'Disable', 'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.name}` });
      toggle.addEventListener('click', () => changeUser(u.name, { disabled: !u.disabled }, u.disabled ? 'enabled' : 'disabled', `[data-k="${key}-toggle"]`));
      const unlock = h('button', { type: 'button', class: 'secondary', dataset: { k: `${key}-unlock` }, text: 'Unlock', disabled: !u.locked, 'aria-label': `Unlock ${u.name}` });
      unlock.addEventListener('click', () => changeUser(u.name, { unlock: true }, 'unlocked', `[data-k="${key}-toggle"]`));
      const reset = h('button', { type: 'button', class: 'secondary', text: 'Reset password', 'aria-expanded': 'false', 'aria-label': `Reset password of ${u.name}` });
      const pw = h('input', { type: 'password', autocomplete: 'new-password', minlength: '12' });
      const pwForm = h('form', { class: 'inline-form', hidden: true },
        field(`New password for ${u.name}`, pw, 'At least 12 characters').wrap,
        h('button', { type: 'submit', class: 'primary', text: 'Save password' }));
      reset.addEventListener('click', () => {
        pwForm.hidden = !pwForm.hidden;
        reset.setAttribute('aria-expanded', String(!pwForm.hidden));
        if (!pwForm.hidden) pw.focus();
      });
      pwForm.addEventListener('submit', (ev) => {
        ev.preventDefault();
        if (pw.value.length < 12) {
          usersError.textContent = `${u.name}: the password needs at least 12 characters.`;
          usersError.hidden = false;
          pw.focus();
          return;
        }
        changeUser(u.name, { password: pw.value }, 'password reset');
      });
      return h('tr', {},
        h('th', { scope: 'row', text: u.name }),
        h('td', {}, h('div', { class: 'cell-row' }, role, saveRole)),
        h('td', {}, u.disabled ? badge('disabled', 'error') : badge('active', 'ok'), u.locked ? [' ', badge('locked', 'warn')] : null),
        h('td', { text: fmtTime(u.created) }),
        h('td', { text: fmtTime(u.last_login) }),
        h('td', {}, h('div', { class: 'cell-row' }, toggle, unlock, reset), pwForm));
    });
    clear(usersBody).append(table('Users', ['Name', 'Role', 'Status', 'Created', 'Last login', 'Actions'], rows));
  }

  // Audit log
  const auditSection = h('section', { class: 'panel', 'aria-labelledby': 'audit-title' }, h('h2', { id: 'audit-title', text: 'Audit log' }));
  const chain = h('div', { class: 'chain', role: 'status' });
  const auditBody = h('div');
  const pager = h('nav', { class: 'pager', 'aria-label': 'Audit log pages' });
  auditSection.append(chain, auditBody, pager);
  const AUDIT_LIMIT = 100;
  const history = [];  // the `after` values of earlier pages
  let after = 0;

  async function loadAudit(focusPager) {
    clear(auditBody);
    const done = loading(auditBody);
    let data;
    try {
      data = await api(`/api/audit${qs({ after, limit: AUDIT_LIMIT })}`);
    } catch (err) {
      if (stale(seq)) return;
      done();
      auditBody.append(errorBox(err));
      return;
    }
    if (stale(seq)) return;
    done();
    clear(chain);
    chain.className = `chain ${data.chain_ok ? 'chain-ok' : 'chain-broken'}`;
    chain.append(h('strong', { text: data.chain_ok ? 'Audit chain intact' : 'AUDIT CHAIN BROKEN' }),
      h('span', { text: data.chain_ok ? ' – every event checks against the hash chain.' : ' – the log has been altered or damaged. Run “chartscan audit verify” and report it.' }));
    const events = data.events || [];
    if (!events.length) auditBody.append(h('p', { class: 'muted', text: after ? 'No later events.' : 'The audit log is empty.' }));
    else {
      auditBody.append(h('p', { class: 'muted', text: `Events ${events[0].seq}–${events[events.length - 1].seq}` }),
        table('Audit events', ['#', 'Time', 'User', 'Action', 'Target', 'Detail', 'From'], events.map((e) => h('tr', { dataset: { action: e.action || '' } },
          h('td', { class: 'num', text: e.seq }),
          h('td', { text: fmtTime(e.at) }),
          h('td', { text: e.user || '–' }),
          h('td', { class: 'audit-action', text: e.action || '' }),
          h('td', { class: 'mono', text: e.target || '' }),
          h('td', { text: e.detail || '' }),
          h('td', { class: 'mono', text: e.remote || '' })))));
    }
    clear(pager);
    const first = h('button', { type: 'button', class: 'secondary', text: '« Oldest', disabled: !after });
    const prev = h('button', { type: 'button', class: 'secondary', text: '← Earlier', disabled: !history.length });
    const next = h('button', { type: 'button', class: 'secondary', text: 'Later →', disabled: events.length < AUDIT_LIMIT, dataset: { k: 'audit-next' } });
    const refresh = h('button', { type: 'button', class: 'secondary', text: 'Refresh' });
    first.addEventListener('click', () => { history.length = 0; after = 0; loadAudit('first'); });
    prev.addEventListener('click', () => { after = history.pop() || 0; loadAudit('prev'); });
    next.addEventListener('click', () => { history.push(after); after = events[events.length - 1].seq; loadAudit('next'); });
    refresh.addEventListener('click', () => loadAudit('refresh'));
    pager.append(first, prev, next, refresh);
    if (focusPager) {
      const target = { first, prev, next, refresh }[focusPager];
      (target && !target.disabled ? target : refresh).focus();
    }
  }

  append(main, usersSection, auditSection);
  focusHeading();
  await Promise.all([loadUsers(), loadAudit()]);
}

// ---- Start -------------------------------------------------------------------------------------

async function start() {
  $('#logout').addEventListener('click', logout);
  $('#skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    const main = $('#main');
    (main.querySelector('h1') || main).focus();
  });
  window.addEventListener('hashchange', route);
  try {
    const me = await api('/api/me');
    setUser(me.user, me.csrf);
  } catch (err) {
    state.user = null;
    if (!(err instanceof ApiError && err.status === 401)) {
      clear($('#main')).append(h('h1', { tabindex: '-1', text: 'chartscan' }), errorBox(err, h('p', {}, h('button', { type: 'button', text: 'Try again', on: { click: () => location.reload() } }))));
      return;
    }
  }
  if (!location.hash || location.hash === '#' || !location.hash.startsWith('#/')) {
    history.replaceState(null, '', state.user ? '#/search' : '#/login');
  }
  route();
}

start();
