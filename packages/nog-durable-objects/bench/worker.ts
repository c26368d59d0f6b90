/**
 * The bench's worker: `GET /run?mode=store|raw&ops=N&concurrency=C&shards=S&round=R` makes N claims, C in flight,
 * inside workerd and answers the elapsed time and every claim's latency. `store` claims through the
 * DurableObjectNonceStore (hash, one request to the object, one storage transaction); `raw` is the primitive it
 * wraps: the same request to a plain Durable Object that does one `storage.put` of the same size.
 */
import { DurableObjectNonceStore, NogNonceObject, type NonceObjectNamespace, type NonceObjectState } from '../src/index.js';

export { NogNonceObject };

export class RawObject {
  readonly #state: NonceObjectState;
  constructor(state: NonceObjectState) {
    this.#state = state;
  }
  async fetch(request: Request): Promise<Response> {
    const { k, e } = (await request.json()) as { k: string; e: number };
    await this.#state.storage.put({ [k]: e });
    return new Response('ok');
  }
}

interface Env {
  readonly NONCES: NonceObjectNamespace;
  readonly RAW: NonceObjectNamespace;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const q = new URL(request.url).searchParams;
    const mode = q.get('mode');
    const ops = Number(q.get('ops'));
    const concurrency = Number(q.get('concurrency'));
    const shards = Number(q.get('shards'));
    const round = q.get('round') ?? '0';
    const store = new DurableObjectNonceStore({ namespace: env.NONCES, shards, prefix: `bench-${round}-` });
    const now = Date.now();
    const op =
      mode === 'store'
        ? (i: number) =>
            store.claim({ keyId: 'bench', authdate: '2026-01-01T000000Z', nonce: `${round}-${i}`, expiresAt: now + 600_000, now })
        : async (i: number) => {
            const hash = `${round}-${i}`.padEnd(64, '0');
            const shard = i % shards;
            const stub = env.RAW.get(env.RAW.idFromName(`raw-${round}-${shard}`));
            await (
              await stub.fetch('https://raw/put', { method: 'POST', body: JSON.stringify({ k: `n:${hash}`, e: now + 600_000 }) })
            ).text();
          };
    const latencies: number[] = new Array(ops);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ops) {
        const i = next++;
        const t = performance.now();
        const r = await op(i);
        if (r === false) throw new Error('a fresh nonce was refused');
        latencies[i] = performance.now() - t;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return Response.json({ elapsed: performance.now() - started, latencies });
  },
};
