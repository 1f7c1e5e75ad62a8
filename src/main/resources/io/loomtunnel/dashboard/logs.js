// Logs: the last lines (/api/logs), then each new one live (SSE "log"); level and text filters.
import { $, el, fill } from './dom.js';
import { get } from './api.js';
import { clock, levelOf, splitStamp } from './format.js';

const MAX_LINES = 1000;
const lines = [];
let loaded = false;

export function init(ctx) {
  ctx.on('log', (e) => {
    if (typeof e.line !== 'string') return;
    add(e.line);
    if (!$('view-logs').hidden) {
      const placeholder = $('log-lines').querySelector('li:not([data-level])');
      if (placeholder) placeholder.remove();
      const item = render(lines[lines.length - 1]);
      if (item) $('log-lines').append(item);
      while ($('log-lines').children.length > MAX_LINES) $('log-lines').firstElementChild.remove();
      follow();
    }
  });
  for (const id of ['log-level', 'log-text']) $(id).addEventListener('input', draw);
  $('log-filters').addEventListener('submit', (e) => e.preventDefault());
}

export async function show() {
  if (!loaded) {
    try {
      const answer = await get(`/api/logs?lines=${MAX_LINES}`);
      const seen = new Set(lines.map((l) => l.raw));
      const fresh = (answer.lines || []).filter((l) => !seen.has(l)).map(parse);
      lines.unshift(...fresh);
      lines.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
      loaded = true;
    } catch (e) {
      fill($('log-lines'), el('li', { class: 'error' }, `logs: ${e.message}`));
      return;
    }
  }
  draw();
}

function parse(raw) {
  const { time, text } = splitStamp(raw);
  return { raw, time, text, level: levelOf(text) };
}

function add(raw) {
  lines.push(parse(raw));
  if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
}

function render(line) {
  const level = $('log-level').value;
  const text = $('log-text').value.toLowerCase();
  if (level === 'error' && line.level !== 'error') return null;
  if (level === 'warn' && line.level === 'info') return null;
  if (text && !line.raw.toLowerCase().includes(text)) return null;
  return el('li', { class: line.level, dataset: { level: line.level } },
    el('time', { title: line.time ? new Date(line.time).toISOString() : '' }, line.time ? clock(line.time) : ''), el('span', null, line.text));
}

function draw() {
  fill($('log-lines'), lines.map(render).filter(Boolean));
  if (!$('log-lines').children.length) $('log-lines').append(el('li', { class: 'dim' }, lines.length ? 'No line matches the filter.' : 'No log lines yet.'));
  follow();
}

function follow() {
  if ($('log-follow').checked) {
    const list = $('log-lines');
    list.scrollTop = list.scrollHeight;
  }
}
