// A verifier process of a fleet: its own node-redis connection and store, driven by the test over IPC
// (test/helpers/fleet.ts). Each message is `{ id, type, ...args }`; the answer is `{ id, value }` or `{ id, error }`.
import { createVerifier, sign } from '@reqsign/nog';
import { createRedisNonceStore } from '@reqsign/nog-redis';
import { connect } from './connect.mjs';

const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };

let client;
let store;
let verifier;
let load;

async function verifyOne(url) {
  const started = Date.now();
  const t = performance.now();
  const r = await verifier.verify('GET', url);
  return { url, ok: r.ok, code: r.ok ? undefined : r.code, started, ms: performance.now() - t };
}

const handlers = {
  async connect({ spec, store: options }) {
    client = await connect(spec);
    return handlers.configure({ store: options });
  },
  /** A new store (and verifier) on the same connection. */
  configure({ store: options }) {
    store = createRedisNonceStore({ ...options, client });
    verifier = createVerifier({ keys: { [KEY.id]: KEY.secret }, nonceStore: store });
    return true;
  },
  /** Verifies the given URLs all at once. */
  verify: ({ urls }) => Promise.all(urls.map(verifyOne)),
  /** Starts verifying fresh signed requests, `concurrency` at a time, until `stop`. */
  load({ concurrency, path }) {
    const records = [];
    let stopped = false;
    const run = (async () => {
      let i = 0;
      while (!stopped) {
        const urls = await Promise.all(Array.from({ length: concurrency }, () => sign('GET', `${path}/${process.pid}/${i++}`, KEY)));
        records.push(...(await Promise.all(urls.map((s) => verifyOne(s.url)))));
        await new Promise((r) => setImmediate(r));
      }
    })();
    load = {
      stop: () => {
        stopped = true;
        return run.then(() => records);
      },
    };
    return true;
  },
  stop: () => load.stop(),
  metrics: () => store.metrics(),
  async close() {
    await client.destroy();
    return true;
  },
};

process.on('message', async ({ id, type, ...args }) => {
  try {
    process.send({ id, value: await handlers[type](args) });
  } catch (err) {
    process.send({ id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
});
process.send({ ready: true });
