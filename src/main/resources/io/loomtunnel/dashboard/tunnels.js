// Tunnels: every tunnel with its public address (a link for HTTP) and counts; a client opens and closes them here.
import { $, el, fill, table, empty } from './dom.js';
import { get, post, del } from './api.js';
import { bytes, rate } from './format.js';
import { addressNode } from './overview.js';

const HINTS = {
  http: 'NAME:HOST:PORT, e.g. web:127.0.0.1:3000 (served as http://NAME.<domain>)',
  tcp: 'NAME=REMOTE_PORT:HOST:PORT, e.g. ssh=0:127.0.0.1:22 (0: the server picks a port)',
  udp: 'NAME=REMOTE_PORT:HOST:PORT, e.g. dns=0:127.0.0.1:53',
};
const PLACEHOLDERS = { http: 'web:127.0.0.1:3000', tcp: 'ssh=0:127.0.0.1:22', udp: 'dns=0:127.0.0.1:53' };

export function init(ctx) {
  const type = $('open-type');
  const hint = () => {
    $('open-hint').textContent = HINTS[type.value];
    $('open-spec').placeholder = PLACEHOLDERS[type.value];
  };
  type.addEventListener('change', hint);
  hint();
  $('open-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = $('open-error');
    const button = $('open-submit');
    button.disabled = true;
    error.hidden = true;
    try {
      await post('/api/tunnels', { type: type.value, spec: $('open-spec').value.trim() });
      $('open-spec').value = '';
      await load(ctx);
      ctx.refresh();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  ctx.on('tunnel', () => {
    if (!$('view-tunnels').hidden) load(ctx);
  });
}

export function show(ctx) {
  load(ctx);
}

export function update(ctx) {
  if (!$('view-tunnels').hidden) load(ctx);
}

async function load(ctx) {
  let list;
  try {
    list = (await get('/api/tunnels')).tunnels || [];
  } catch (e) {
    // Before /api/tunnels, the status holds them per session.
    list = (ctx.status?.sessions || []).flatMap((s) => s.tunnels || []);
  }
  render(ctx, list);
}

function render(ctx, list) {
  const target = $('tunnel-list');
  if (!list.length) {
    fill(target, empty(ctx.role === 'client' ? 'No tunnel yet: open one above.' : 'No tunnel.'));
    return;
  }
  const closable = ctx.role === 'client';
  const headers = ['Name', 'Type', 'Public address', 'Local service', ['Open', 'num'], ['In', 'num'], ['Out', 'num'], ['Rate in / out', 'num']];
  if (closable) headers.push('');
  fill(target, table(headers, list, (t) => {
    const row = [
      el('b', null, t.name),
      t.type,
      addressNode(t),
      { value: t.local || '–', class: 'mono' },
      { value: t.streams, class: 'num' },
      { value: bytes(t.bytesIn), class: 'num' },
      { value: bytes(t.bytesOut), class: 'num' },
      { value: `${rate(t.inPerSecond || 0)} / ${rate(t.outPerSecond || 0)}`, class: 'num' },
    ];
    if (closable) {
      row.push(el('button', { type: 'button', class: 'small danger', dataset: { close: t.name }, onclick: (e) => close(ctx, t.name, e.target) }, 'Close'));
    }
    return row;
  }, { rowProps: (t) => ({ dataset: { tunnel: t.name } }) }));
}

async function close(ctx, name, button) {
  button.disabled = true;
  const error = $('open-error');
  error.hidden = true;
  try {
    await del(`/api/tunnels/${encodeURIComponent(name)}`);
  } catch (err) {
    error.textContent = err.message;
    error.hidden = false;
  }
  await load(ctx);
  ctx.refresh();
}
