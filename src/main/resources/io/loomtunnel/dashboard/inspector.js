// Inspector: the client's captured HTTP exchanges, live; filters; heads, bodies and timing; replay as is or edited.
import { $, el, fill, table, empty } from './dom.js';
import { get, post, del } from './api.js';
import { bytes, millis, clock } from './format.js';

const LIMIT = 200;
/** Summaries by id, as the list shows them (the last LIMIT matching the filters). */
const rows = new Map();
let selected = null;
let drawQueued = false;
let loaded = false;

export function init(ctx) {
  for (const id of ['f-tunnel', 'f-status']) $(id).addEventListener('change', () => reload());
  let typing = null;
  $('f-path').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(reload, 250);
  });
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('clear-requests').addEventListener('click', async () => {
    try {
      await del('/api/requests');
    } catch (e) {
      detailMessage(e.message, true);
    }
    selected = null;
    fill($('request-detail'), empty('Pick a request to see its heads, bodies and timing.'));
    reload();
  });
  ctx.on('request', (summary) => {
    if (!summary || !summary.id) return;
    if (!matches(summary)) {
      rows.delete(summary.id);
    } else {
      rows.set(summary.id, summary);
      trim();
    }
    queueDraw();
    if (summary.id === selected && summary.state !== 'open') showDetail(summary.id);
  });
}

export function show() {
  if (!loaded) reload();
}

/** Without the event stream (down, reconnecting), the list is read again every few seconds instead. */
const POLL_MILLIS = 3000;
setInterval(() => {
  if (!$('view-inspector').hidden && document.body.dataset.live !== 'yes') reload();
}, POLL_MILLIS);

export function update(ctx, status) {
  if (ctx.role !== 'client') return;
  const select = $('f-tunnel');
  const names = (status.sessions || []).flatMap((s) => (s.tunnels || []).filter((t) => t.type === 'http').map((t) => t.name));
  const have = [...select.options].slice(1).map((o) => o.value);
  for (const name of names) if (!have.includes(name)) select.append(el('option', { value: name }, name));
}

function filters() {
  return { tunnel: $('f-tunnel').value, status: $('f-status').value, path: $('f-path').value };
}

function matches(s) {
  const f = filters();
  if (f.tunnel && s.tunnel !== f.tunnel) return false;
  if (f.status) {
    if (s.status === null || s.status === undefined) return false;
    if (/^\dxx$/.test(f.status) ? String(s.status)[0] !== f.status[0] : String(s.status) !== f.status) return false;
  }
  if (f.path && !(s.path || '').includes(f.path)) return false;
  return true;
}

async function reload() {
  const f = filters();
  const query = new URLSearchParams({ limit: String(LIMIT) });
  for (const [k, v] of Object.entries(f)) if (v) query.set(k, v);
  try {
    const answer = await get(`/api/requests?${query}`);
    rows.clear();
    for (const s of answer.requests || []) rows.set(s.id, s);
    loaded = true;
  } catch (e) {
    detailMessage(`requests: ${e.message}`, true);
  }
  queueDraw();
}

function trim() {
  if (rows.size <= LIMIT) return;
  const oldest = [...rows.values()].sort((a, b) => a.startedAt - b.startedAt).slice(0, rows.size - LIMIT);
  for (const s of oldest) rows.delete(s.id);
}

function queueDraw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    draw();
  });
}

function statusPill(s) {
  if (s.state === 'failed') return el('span', { class: 'pill sfail', title: 'failed' }, s.status ?? 'failed');
  if (s.status === null || s.status === undefined) return el('span', { class: 'pill sopen' }, '…');
  return el('span', { class: `pill s${String(s.status)[0]}` }, s.status);
}

function draw() {
  const list = [...rows.values()].sort((a, b) => b.startedAt - a.startedAt || b.id.localeCompare(a.id));
  $('requests-empty').hidden = list.length > 0;
  fill($('request-rows'), list.map((s) => el('tr', {
    class: s.id === selected ? 'selected' : null,
    dataset: { id: s.id },
    onclick: () => select(s.id),
  },
  el('td', { class: 'mono dim' }, clock(s.startedAt)),
  el('td', null, el('span', { class: 'method' }, s.method)),
  el('td', { class: 'path' }, s.path, s.replayOf ? el('span', { class: 'tag replay', title: `replay of ${s.replayOf}` }, 'replay') : null,
    el('span', { class: 'tag' }, s.tunnel)),
  el('td', null, statusPill(s)),
  el('td', { class: 'num' }, millis(s.durationMillis)),
  el('td', { class: 'num dim' }, `${bytes(s.requestBytes)} / ${bytes(s.responseBytes)}`))));
}

function select(id) {
  selected = id;
  queueDraw();
  showDetail(id);
}

function detailMessage(text, error) {
  const pane = $('request-detail');
  const old = pane.querySelector('.detail-message');
  if (old) old.remove();
  pane.prepend(el('p', { class: `detail-message ${error ? 'error' : 'dim'}`, role: error ? 'alert' : null }, text));
}

async function showDetail(id) {
  let x;
  try {
    x = await get(`/api/requests/${encodeURIComponent(id)}`);
  } catch (e) {
    fill($('request-detail'), el('p', { class: 'error' }, e.message));
    return;
  }
  if (selected !== id) return;
  const editor = el('div', { class: 'editor', hidden: true });
  fill($('request-detail'),
    el('p', { class: 'detail-title' }, el('span', { class: 'method' }, x.method), ' ', x.path, ' ', statusPill(x)),
    el('p', { class: 'dim' }, `${x.id} · tunnel ${x.tunnel} · ${new Date(x.startedAt).toLocaleString()} · ${x.state}`,
      x.replayOf ? [' · ', el('a', { href: '#/inspector', class: 'replay-of', onclick: (e) => { e.preventDefault(); select(x.replayOf); } },
        `replay of ${x.replayOf}`)] : null),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', id: 'replay', onclick: (e) => replay(x.id, undefined, e.target) }, 'Replay'),
      el('button', { type: 'button', id: 'replay-edit', onclick: () => { editor.hidden = !editor.hidden; } }, 'Replay with edits…')),
    fill(editor, ...editorParts(x)),
    el('h3', null, 'Timing'),
    timing(x),
    el('h3', null, 'Request'),
    head(x.request?.head),
    body(x.request?.body),
    el('h3', null, 'Response'),
    x.response ? [head(x.response.head), body(x.response.body)] : empty(x.state === 'open' ? 'Waiting for the response…' : 'No response.'));
}

function timing(x) {
  const t = x.timing || {};
  const parts = [['total', x.durationMillis]];
  for (const [k, v] of Object.entries(t)) if (typeof v === 'number') parts.push([k.replace(/Millis$/, '').replace(/([A-Z])/g, ' $1').toLowerCase(), v]);
  return el('div', { class: 'timing' }, parts.map(([k, v]) => el('span', null, `${k} `, el('b', null, millis(v)))));
}

function head(h) {
  if (!h) return empty('No head.');
  return [
    el('pre', { class: 'body head-line' }, h.line),
    table(['Header', 'Value'], h.headers || [], ([name, value]) => [name, value], { class: 'headers' }),
  ];
}

function hexDump(hex) {
  const out = [];
  for (let i = 0; i < hex.length; i += 32) {
    const chunk = hex.slice(i, i + 32);
    const pairs = chunk.match(/../g) || [];
    const ascii = pairs.map((p) => {
      const c = parseInt(p, 16);
      return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    }).join('');
    out.push(`${(i / 2).toString(16).padStart(8, '0')}  ${pairs.join(' ').padEnd(47)}  ${ascii}`);
  }
  return out.join('\n');
}

function toHex(text) {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function body(b) {
  if (!b || b.kind === 'none' || (b.text === null && b.hex === null)) {
    return el('p', { class: 'dim' }, b && b.size ? `Body: ${bytes(b.size)} (not captured)` : 'No body.');
  }
  const views = {};
  if (b.kind === 'json' && b.text !== null) {
    views.pretty = () => {
      try {
        return el('pre', { class: 'body' }, JSON.stringify(JSON.parse(b.text), null, 2));
      } catch (e) {
        return el('pre', { class: 'body' }, b.text);
      }
    };
  }
  if (b.kind === 'form' && b.text !== null) {
    views.form = () => table(['Field', 'Value'], [...new URLSearchParams(b.text)], ([k, v]) => [k, v], { class: 'headers' });
  }
  if (b.text !== null) views.text = () => el('pre', { class: 'body' }, b.text);
  views.hex = () => el('pre', { class: 'body' }, hexDump(b.hex !== null ? b.hex : toHex(b.text)));
  const area = el('div');
  const buttons = Object.keys(views).map((name) => el('button', { type: 'button', dataset: { view: name } }, name));
  const pick = (name) => {
    for (const button of buttons) button.classList.toggle('on', button.dataset.view === name);
    fill(area, views[name]());
  };
  for (const button of buttons) button.addEventListener('click', () => pick(button.dataset.view));
  pick(Object.keys(views)[0]);
  const note = `${b.kind}${b.contentType ? ` · ${b.contentType}` : ''} · ${bytes(b.size)}${b.truncated ? ` (first ${bytes(b.captured)} captured)` : ''}`;
  return el('div', { class: 'body-box' }, el('h3', null, el('span', { class: 'dim' }, note), el('span', { class: 'seg' }, buttons)), area);
}

function editorParts(x) {
  const reqHead = x.request?.head || { line: '', headers: [] };
  const method = el('input', { value: x.method, size: 8, id: 'edit-method', spellcheck: false });
  const path = el('input', { value: x.path, id: 'edit-path', spellcheck: false });
  const headers = el('textarea', { id: 'edit-headers', spellcheck: false });
  headers.value = (reqHead.headers || []).map(([n, v]) => `${n}: ${v}`).join('\n');
  const bodyText = el('textarea', { id: 'edit-body', spellcheck: false });
  bodyText.value = x.request?.body?.text ?? '';
  const error = el('p', { class: 'error', hidden: true, role: 'alert' });
  const send = el('button', { type: 'button', class: 'primary', id: 'edit-send' }, 'Send edited replay');
  send.addEventListener('click', () => {
    const edited = [];
    for (const line of headers.value.split('\n')) {
      const colon = line.indexOf(':');
      if (line.trim() === '') continue;
      if (colon <= 0) {
        error.textContent = `not a header line: ${line}`;
        error.hidden = false;
        return;
      }
      edited.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    error.hidden = true;
    replay(x.id, { method: method.value.trim(), path: path.value.trim(), headers: edited, body: bodyText.value }, send);
  });
  return [
    el('div', { class: 'row' }, el('label', null, 'Method', method), el('label', null, 'Path', path)),
    el('label', null, 'Headers (one "Name: value" per line)', headers),
    el('label', null, 'Body', bodyText),
    el('div', { class: 'actions' }, send),
    error,
  ];
}

async function replay(id, edits, button) {
  button.disabled = true;
  try {
    const answer = await post(`/api/requests/${encodeURIComponent(id)}/replay`, edits);
    selected = answer.id;
    queueDraw();
    showDetail(answer.id);
  } catch (e) {
    detailMessage(`replay: ${e.message}`, true);
  } finally {
    button.disabled = false;
  }
}
