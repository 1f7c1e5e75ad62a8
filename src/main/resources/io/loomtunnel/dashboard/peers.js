// Peers & keys: this endpoint's identity, the keys it trusts and allows, and its peer sessions (path and RTT).
import { $, el, fill, table, empty } from './dom.js';
import { get } from './api.js';
import { millis, uptime, shortId } from './format.js';

let keysRequested = false; // a load has started (and not failed): update() need not start another

export function show(ctx) {
  loadKeys();
  if (ctx.status) update(ctx, ctx.status); // the sessions at once, not at the next status
}

async function loadKeys() {
  keysRequested = true;
  let keys;
  try {
    keys = await get('/api/keys');
  } catch (e) {
    keysRequested = false; // the next status update tries again
    fill($('identity'), el('dt', null, 'keys'), el('dd', { class: 'error' }, e.message));
    return;
  }
  const facts = [['Id', keys.id], ['Role', keys.role]];
  if (keys.pinnedServerId) facts.push(['Pinned server', keys.pinnedServerId]);
  fill($('identity'), facts.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v ?? '–')]));
  const authorized = keys.authorizedKeys || [];
  fill($('authorized-keys'), authorized.length
    ? table(['Key id', 'Comment'], authorized, (k) => [{ value: k.id, class: 'mono' }, k.comment || ''])
    : empty('No authorized keys (this role takes none, or none are set).'));
  const allow = keys.allow || [];
  fill($('allow-list'), allow.length
    ? el('ul', { class: 'sub-tunnels' }, allow.map((a) => el('li', { class: 'mono' }, typeof a === 'string' ? a : JSON.stringify(a))))
    : empty('Nothing allowed beyond the defaults.'));
}

export function update(ctx, status) {
  if ($('view-peers').hidden) return;
  if (!keysRequested) loadKeys();
  const list = status.sessions || [];
  if (!list.length) {
    fill($('peer-sessions'), empty('No peer session now.'));
    return;
  }
  fill($('peer-sessions'), table(['Session', 'Peer', 'Path', ['RTT', 'num'], ['Path changes', 'num'], 'Address', ['Uptime', 'num'], ['Streams', 'num']], list, (s) => [
    { value: s.id, class: 'mono' },
    { value: shortId(s.peer), class: 'mono', title: s.peer },
    s.path ? el('span', { class: `tag ${s.path}` }, s.path) : el('span', { class: 'dim' }, ctx.role === 'server' || ctx.role === 'client' ? 'tunnel session' : '–'),
    { value: millis(s.rttMillis), class: 'num' },
    { value: s.pathChanges ?? '–', class: 'num' },
    { value: s.address || '–', class: 'mono' },
    { value: uptime(s.uptimeSeconds), class: 'num' },
    { value: s.streams, class: 'num' },
  ]));
}
