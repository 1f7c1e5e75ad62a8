// Number and time formats shared by the views (the CLI's units: 50.0 KB, 1.2 MB/s).

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  let v = Number(n);
  let u = 0;
  while (Math.abs(v) >= 1000 && u < UNITS.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

export function rate(n) {
  return `${bytes(n)}/s`;
}

export function millis(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function uptime(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function clock(epochMillis) {
  const d = new Date(epochMillis);
  return d.toLocaleTimeString([], { hour12: false });
}

export function shortId(id) {
  if (!id) return '';
  return id.length > 16 ? `${id.slice(0, 12)}…` : id;
}

/** Level of a log line by its words: error, warn or info. */
export function levelOf(line) {
  const l = line.toLowerCase();
  if (/\b(error|failed|fail|refused|denied|exception|cannot|can't)\b/.test(l)) return 'error';
  if (/\b(warn|warning|reconnect\w*|lost|retry\w*|timed out|timeout|dropped|kicked|closed)\b/.test(l)) return 'warn';
  return 'info';
}

/** A log line "2026-12-07T05:33:09.123Z text" split in its time and its text. */
export function splitStamp(line) {
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\s(.*)$/s.exec(line);
  return m ? { time: new Date(m[1]).getTime(), text: m[2] } : { time: null, text: line };
}
