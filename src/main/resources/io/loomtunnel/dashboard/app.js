// loomtunnel dashboard: routing between the views, the status poll and the live event stream (SSE).
import { $, fill } from './dom.js';
import { get } from './api.js';
import { shortId } from './format.js';
import * as overview from './overview.js';
import * as tunnels from './tunnels.js';
import * as inspector from './inspector.js';
import * as peers from './peers.js';
import * as logs from './logs.js';

const VIEWS = { overview, tunnels, inspector, peers, logs };
const STATUS_EVERY_MILLIS = 5000;
const RECONNECT_GRACE_MILLIS = 3000;

/** What the views share: the latest status, the role, and the live events. */
const ctx = {
  status: null,
  role: null,
  listeners: {},
  /** Calls fn(data) for each live event of this type (request, tunnel, session, log). */
  on(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  },
  emit(type, data) {
    for (const fn of this.listeners[type] || []) {
      try {
        fn(data);
      } catch (e) {
        console.warn(`dashboard: ${type} handler failed`, e);
      }
    }
  },
  /** Asks for a fresh status now (after a change made from the page). */
  refresh() {
    return refreshStatus();
  },
  banner(message) {
    const b = $('banner');
    b.textContent = message || '';
    b.hidden = !message;
  },
};

let current = null;

function route() {
  const wanted = (location.hash.replace(/^#\/?/, '') || 'overview').split('/')[0];
  const name = VIEWS[wanted] && allowed(document.querySelector(`#nav a[data-view="${wanted}"]`)) ? wanted : 'overview';
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('active', link.dataset.view === name);
  for (const key of Object.keys(VIEWS)) $(`view-${key}`).hidden = key !== name;
  if (current !== name) {
    current = name;
    VIEWS[name].show?.(ctx);
  }
}

/** Whether an element marked data-roles="client server" is for this role (unmarked ones are for every role). */
function allowed(node) {
  if (!node) return false;
  const roles = node.dataset.roles;
  return !roles || (ctx.role !== null && roles.split(' ').includes(ctx.role));
}

function applyRole() {
  for (const node of document.querySelectorAll('[data-roles]')) node.hidden = !allowed(node);
  document.body.dataset.role = ctx.role || '';
}

async function refreshStatus() {
  try {
    const status = await get('/api/status');
    const first = ctx.status === null;
    ctx.status = status;
    if (first || status.role !== ctx.role) {
      ctx.role = status.role;
      fill($('role'), status.role);
      $('self-id').textContent = shortId(status.id);
      $('self-id').title = `this endpoint's key id: ${status.id}`;
      document.title = `loomtunnel ${status.role}`;
      applyRole();
      route();
    }
    ctx.banner(null);
    for (const view of Object.values(VIEWS)) view.update?.(ctx, status);
  } catch (e) {
    ctx.banner(`status: ${e.message}`);
  }
}

function connectEvents() {
  const live = $('live');
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    document.body.dataset.live = 'yes'; // views poll while it is not
    live.textContent = 'live';
    live.className = 'live on';
  });
  let quiet = null;
  source.addEventListener('open', () => clearTimeout(quiet));
  source.addEventListener('error', () => {
    // EventSource retries by itself: the endpoint ends each stream every 25 s (retry: 1000, and it
    // replays what was missed), so only a stream still down after a few seconds is shown as such.
    document.body.dataset.live = 'no';
    clearTimeout(quiet);
    quiet = setTimeout(() => {
      live.textContent = source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting';
      live.className = source.readyState === EventSource.CLOSED ? 'live off' : 'live';
    }, RECONNECT_GRACE_MILLIS);
  });
  for (const type of ['request', 'tunnel', 'session', 'log']) {
    source.addEventListener(type, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      ctx.emit(type, data);
    });
  }
  // A changed tunnel or session changes the status: ask for it now rather than at the next tick.
  ctx.on('tunnel', () => refreshStatus());
  ctx.on('session', () => refreshStatus());
}

function start() {
  for (const view of Object.values(VIEWS)) view.init?.(ctx);
  window.addEventListener('hashchange', route);
  route();
  refreshStatus();
  setInterval(refreshStatus, STATUS_EVERY_MILLIS);
  connectEvents();
}

start();
