// A real Nostr relay for loomtunnel's tests: @nostr-relay/core 0.0.40 (NIP-01 events, REQ/CLOSE,
// OK/EOSE/CLOSED/NOTICE, id and signature checks) with @nostr-relay/validator, on ws, listening on
// 127.0.0.1 (or --host). Its store is the small in-memory one below, which keeps the relay pure JavaScript
// (@nostr-relay/event-repository-sqlite would bring better-sqlite3, a native module).
//
//   node relay.mjs PORT [--host ADDR] [--ignore-stdin] [--refuse] [--slow-ms N] [--tamper]
//
// PORT 0 picks a free port. Prints "listening on ADDR:PORT" once it accepts connections. Ends
// on SIGTERM or SIGINT, and when its standard input closes (so it never outlives the test that
// started it). The options:
//   --host ADDR     listens on ADDR instead of 127.0.0.1 (the NAT lab's public segment)
//   --ignore-stdin  keeps running when standard input closes: for an owner that ends it by signal
//                   (the NAT lab starts processes with standard input closed and kills them on close)
// and these make the misbehaving relays the tests need:
//   --refuse     answers every EVENT with OK false ("blocked: ...") and every REQ with CLOSED
//   --slow-ms N  waits N ms before handling each message
//   --tamper     sends two forged copies before every event it delivers: one with a changed
//                signature, one with changed content (its id no longer matches)
import { NostrRelay } from '@nostr-relay/core';
import { EventRepository, createOutgoingNoticeMessage } from '@nostr-relay/common';
import { Validator } from '@nostr-relay/validator';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const port = Number(args[0]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node relay.mjs PORT [--host ADDR] [--ignore-stdin] [--refuse] [--slow-ms N] [--tamper]');
  process.exit(2);
}
const refuse = args.includes('--refuse');
const tamper = args.includes('--tamper');
const slowAt = args.indexOf('--slow-ms');
const slowMs = slowAt >= 0 ? Number(args[slowAt + 1]) : 0;
const hostAt = args.indexOf('--host');
const host = hostAt >= 0 ? args[hostAt + 1] : '127.0.0.1';
const ignoreStdin = args.includes('--ignore-stdin');

/** Events kept in memory, oldest dropped past MAX; ephemeral kinds never reach it (the relay does not store them). */
class MemoryRepository extends EventRepository {
  static MAX = 1000;
  events = new Map();
  isSearchSupported() { return false; }
  upsert(event) {
    if (this.events.has(event.id)) return { isDuplicate: true };
    this.events.set(event.id, event);
    if (this.events.size > MemoryRepository.MAX) this.events.delete(this.events.keys().next().value);
    return { isDuplicate: false };
  }
  find(filter) {
    const found = [...this.events.values()].filter(e => matches(filter, e));
    found.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : 1));
    return found.slice(0, filter.limit ?? 500);
  }
  async destroy() { this.events.clear(); }
}

function matches(filter, e) {
  if (filter.ids && !filter.ids.includes(e.id)) return false;
  if (filter.authors && !filter.authors.includes(e.pubkey)) return false;
  if (filter.kinds && !filter.kinds.includes(e.kind)) return false;
  if (filter.since !== undefined && e.created_at < filter.since) return false;
  if (filter.until !== undefined && e.created_at > filter.until) return false;
  for (const [key, values] of Object.entries(filter)) {
    if (key.length === 2 && key[0] === '#' &&
        !e.tags.some(t => t.length > 1 && t[0] === key[1] && values.includes(t[1]))) return false;
  }
  return true;
}

/** The connection as the relay sees it; with --tamper, forged copies go out before each event. */
function clientOf(ws) {
  return {
    get readyState() { return ws.readyState; },
    send(data, cb) {
      if (tamper && data.startsWith('["EVENT"')) {
        const [, sub, event] = JSON.parse(data);
        const flipped = event.sig.slice(0, -1) + (event.sig.endsWith('0') ? '1' : '0');
        ws.send(JSON.stringify(['EVENT', sub, { ...event, sig: flipped }]));
        ws.send(JSON.stringify(['EVENT', sub, { ...event, content: event.content + ' (altered)' }]));
      }
      ws.send(data, cb);
    },
  };
}

const relay = new NostrRelay(new MemoryRepository());
const validator = new Validator();
const wss = new WebSocketServer({ host, port, maxPayload: 256 * 1024 });

wss.on('connection', ws => {
  const client = clientOf(ws);
  relay.handleConnection(client, host);
  ws.on('message', async data => {
    try {
      if (slowMs > 0) await new Promise(resolve => setTimeout(resolve, slowMs));
      const message = await validator.validateIncomingMessage(data);
      if (refuse) {
        if (message[0] === 'EVENT') ws.send(JSON.stringify(['OK', message[1].id, false, 'blocked: this test relay refuses every event']));
        if (message[0] === 'REQ') ws.send(JSON.stringify(['CLOSED', message[1], 'blocked: this test relay refuses every subscription']));
        return;
      }
      await relay.handleMessage(client, message);
    } catch (error) {
      if (error instanceof Error) ws.send(JSON.stringify(createOutgoingNoticeMessage(error.message)));
    }
  });
  ws.on('close', () => relay.handleDisconnect(client));
  ws.on('error', () => relay.handleDisconnect(client));
});

wss.on('listening', () => console.log(`listening on ${host}:${wss.address().port}`));
wss.on('error', error => { console.error(`relay: ${error.message}`); process.exit(1); });

const stop = () => { wss.close(); relay.destroy().finally(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (!ignoreStdin) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
