// Overview: totals, throughput and RTT for the last 15 minutes, the sessions (a server: every client, with kick), activity.
import { $, el, fill, table, empty } from './dom.js';
import { get, post } from './api.js';
import { bytes, rate, millis, uptime, clock, shortId, levelOf, splitStamp } from './format.js';
import { TimeChart } from './chart.js';

const HISTORY_EVERY_MILLIS = 5000;
const MAX_ACTIVITY = 100;
let throughput, rtt;
let historyTimer = null;

export function init(ctx) {
  throughput = new TimeChart($('chart-throughput'), [
    { key: 'in', color: '--in', label: 'in' },
    { key: 'out', color: '--out', label: 'out' },
  ], (v) => rate(v), 1000);
  rtt = new TimeChart($('chart-rtt'), [{ key: 'rtt', color: '--rtt', label: 'RTT' }], (v) => millis(v), 1);
  $('activity').append(el('li', { class: 'placeholder dim' }, 'Sessions going up and down, reconnects, tunnels and errors show here as they happen.'));
  ctx.on('session', (e) => {
    const s = e.session || {};
    const what = { up: 'session up', down: 'session down', reconnecting: 'reconnecting', path: 'path changed' }[e.action] || e.action;
    // A share's or connect's session also names its service, and a path change the path it left.
    const parts = [what, s.id ? `#${s.id}` : null, s.principal, s.peer ? `peer ${s.peer}` : null,
      s.service ? `service ${s.service}` : null, s.address, s.from ? `(was ${s.from})` : null,
      s.reason ? `: ${s.reason}` : null].filter(Boolean);
    const level = e.action === 'up' || e.action === 'path' ? 'info' : e.action === 'down' ? 'error' : 'warn';
    activity(level, parts.join(' ').replace(' : ', ': '));
  });
  ctx.on('tunnel', (e) => {
    const t = e.tunnel || {};
    activity('info', `tunnel ${e.action}: ${[t.type, t.name, t.address ? `at ${t.address}` : null,
      e.client ? `(client ${e.client})` : null].filter(Boolean).join(' ')}`);
  });
  ctx.on('log', (e) => {
    const { time, text } = splitStamp(e.line || '');
    const level = levelOf(text);
    if (level !== 'info') activity(level, text, time);
  });
}

export function show() {
  loadHistory();
  if (historyTimer === null) historyTimer = setInterval(loadHistory, HISTORY_EVERY_MILLIS);
}

function activity(level, text, time) {
  const list = $('activity');
  const placeholder = list.querySelector('li.placeholder');
  if (placeholder) placeholder.remove();
  list.prepend(el('li', { class: level }, el('time', null, clock(time || Date.now())), el('span', null, text)));
  while (list.children.length > MAX_ACTIVITY) list.lastElementChild.remove();
}

async function loadHistory() {
  if ($('view-overview').hidden) return;
  let history;
  try {
    history = await get('/api/history');
  } catch (e) {
    return;
  }
  const points = history.points || [];
  // The points carry totals since start: a rate is the difference over the time between two points.
  const rates = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1], b = points[i];
    const seconds = (b.t - a.t) / 1000;
    if (seconds <= 0) continue;
    const dIn = b.bytesIn - a.bytesIn, dOut = b.bytesOut - a.bytesOut;
    rates.push({ t: b.t, in: dIn >= 0 ? dIn / seconds : null, out: dOut >= 0 ? dOut / seconds : null });
  }
  throughput.set(rates);
  rtt.set(points.map((p) => ({ t: p.t, rtt: typeof p.rttMillis === 'number' ? p.rttMillis : null })));
}

function stat(label, value, sub) {
  return el('div', { class: 'stat' }, el('div', { class: 'label' }, label), el('div', { class: 'value', title: String(value) }, value),
    sub ? el('div', { class: 'sub' }, sub) : null);
}

export function update(ctx, status) {
  const t = status.totals || {};
  const tp = status.throughput || {};
  fill($('stats'),
    stat('Role', status.role, status.version),
    stat('Uptime', uptime(status.uptimeSeconds)),
    stat('Sessions', t.sessions ?? 0),
    stat('Tunnels', t.tunnels ?? 0),
    stat('Streams open', t.streams ?? 0),
    stat('In', rate(tp.inPerSecond || 0), `${bytes(t.bytesIn || 0)} total`),
    stat('Out', rate(tp.outPerSecond || 0), `${bytes(t.bytesOut || 0)} total`));
  $('sessions-title').textContent = status.role === 'server' ? 'Clients' : 'Sessions';
  fill($('overview-sessions'), sessions(ctx, status));
}

function sessions(ctx, status) {
  const list = status.sessions || [];
  if (!list.length) {
    return empty(status.role === 'server' ? 'No client is connected.' : 'No session yet.');
  }
  const server = status.role === 'server';
  const p2p = status.role === 'share' || status.role === 'connect';
  const headers = ['Session', 'Peer', server ? 'Principal' : 'Kind', 'Address', ['RTT', 'num'], ['Uptime', 'num'],
    ['Streams', 'num'], 'Tunnels'];
  if (p2p) headers.splice(4, 0, 'Path');
  if (server) headers.push('');
  return table(headers, list, (s) => {
    const row = [
      { value: s.id, class: 'mono' },
      { value: shortId(s.peer), class: 'mono', title: s.peer },
      s.principal,
      { value: s.address || '–', class: 'mono' },
      { value: millis(s.rttMillis), class: 'num' },
      { value: uptime(s.uptimeSeconds), class: 'num' },
      { value: s.streams, class: 'num' },
      tunnelList(s.tunnels || []),
    ];
    if (p2p) row.splice(4, 0, s.path ? el('span', { class: `tag ${s.path}` }, s.path) : '–');
    if (server) row.push(el('button', { class: 'small danger', type: 'button', dataset: { kick: s.id }, onclick: (e) => kick(ctx, s.id, e.target) }, 'Kick'));
    return row;
  }, { rowProps: (s) => ({ dataset: { session: s.id } }) });
}

function tunnelList(tunnels) {
  if (!tunnels.length) return el('span', { class: 'dim' }, 'none');
  return el('ul', { class: 'sub-tunnels' }, tunnels.map((t) => el('li', null,
    el('b', null, t.name), ` ${t.type} `, addressNode(t), t.local ? ` → ${t.local}` : null)));
}

/** An HTTP tunnel's public address as a link; others as text. */
export function addressNode(t) {
  const a = t.address || '';
  if (/^https?:\/\//.test(a)) return el('a', { href: a, target: '_blank', rel: 'noopener noreferrer' }, a);
  return el('span', { class: 'mono' }, a || '–');
}

async function kick(ctx, id, button) {
  button.disabled = true;
  try {
    await post(`/api/sessions/${encodeURIComponent(id)}/kick`);
    activity('warn', `kicked session #${id}`);
  } catch (e) {
    activity('error', `kick #${id}: ${e.message}`);
  }
  ctx.refresh();
}
