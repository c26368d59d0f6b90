import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNogFetch, retryOn503 } from '@reqsign/nog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nogMiddleware, withNogAuth } from '../src/index.js';
import { KEY, KEYS } from './helpers.js';

/**
 * createNogFetch against the real integrations on loopback: a Node http server with nogMiddleware and a fetch
 * handler (withNogAuth) served by Node, each with a verifier whose clock is injected and skewed, answering with a
 * `Date` from that same clock. Nothing is mocked on either side of the wire.
 */
const HOUR = 3_600_000;
let skew = 0;
const serverNow = (): number => Date.now() + skew;
const arrived: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

let nodeServer: Server;
let fetchServer: Server;
const bases: Record<string, string> = {};

beforeAll(async () => {
  const auth = nogMiddleware({ keys: KEYS, now: serverNow });
  nodeServer = createServer((req, res) => {
    arrived.push(req.url!);
    // The server's own clock in Date, as a server whose clock is off sends it.
    res.setHeader('date', new Date(serverNow()).toUTCString());
    void auth(req, res, (err) => {
      res.statusCode = err ? 500 : 200;
      res.end(err ? 'error' : 'ok');
    });
  });
  const handler = withNogAuth(async () => new Response('ok'), { keys: KEYS, now: serverNow });
  fetchServer = createServer(async (req, res) => {
    arrived.push(req.url!);
    const response = await handler(new Request(`http://127.0.0.1${req.url}`, { method: req.method }));
    res.statusCode = response.status;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.setHeader('date', new Date(serverNow()).toUTCString());
    res.end(await response.text());
  });
  bases['nogMiddleware'] = await listen(nodeServer);
  bases['withNogAuth'] = await listen(fetchServer);
});
afterAll(async () => {
  await new Promise((resolve) => nodeServer.close(resolve));
  await new Promise((resolve) => fetchServer.close(resolve));
});

describe.each(['nogMiddleware', 'withNogAuth'])('createNogFetch against %s with a skewed clock', (integration) => {
  for (const [what, offset, code] of [
    ['2 h behind (ERR_AUTH_DATE_FUTURE)', -2 * HOUR, 'ERR_AUTH_DATE_FUTURE'],
    ['2 h ahead (ERR_AUTH_SIG_EXPIRED)', 2 * HOUR, 'ERR_AUTH_SIG_EXPIRED'],
  ] as const) {
    it(`learns a server clock ${what} from its 401 and Date, sends once more, and keeps the offset`, async () => {
      skew = offset;
      const nogFetch = createNogFetch({ key: KEY, baseUrl: bases[integration] });
      // Without correction the server refuses it, with the code the client reads.
      arrived.length = 0;
      const plain = await createNogFetch({ key: KEY, baseUrl: bases[integration], correctClock: false })('/p');
      expect([plain.status, ((await plain.json()) as { errorCode: string }).errorCode]).toEqual([401, code]);
      expect(arrived).toHaveLength(1);

      arrived.length = 0;
      const res = await nogFetch('/data?x=1');
      expect([res.status, await res.text()]).toEqual([200, 'ok']);
      expect(arrived).toHaveLength(2);
      expect(Math.abs(nogFetch.clockOffset - offset)).toBeLessThan(10_000);
      arrived.length = 0;
      expect((await nogFetch('/more')).status).toBe(200);
      expect(arrived).toHaveLength(1);
    });
  }

  it('returns the 401 without a retry when the clock is not the cause', async () => {
    skew = 0;
    arrived.length = 0;
    const wrongKey = createNogFetch({ key: { id: KEY.id, secret: 'not the secret' }, baseUrl: bases[integration] });
    const res = await wrongKey('/p');
    expect([res.status, ((await res.json()) as { errorCode: string }).errorCode]).toEqual([401, 'ERR_AUTH_SIG_INVALID']);
    expect(arrived).toHaveLength(1);
    expect(wrongKey.clockOffset).toBe(0);
  });
});

describe('createNogFetch and a 503 from a real integration', () => {
  it("retries the integration's 503 (Retry-After: 1) when asked, and succeeds once the key lookup answers", async () => {
    let down = 1;
    const handler = withNogAuth(async () => new Response('ok'), {
      keys: (id) => {
        if (down-- > 0) throw new Error('vault unreachable');
        return KEYS[id];
      },
    });
    const server = createServer(async (req, res) => {
      arrived.push(req.url!);
      const response = await handler(new Request(`http://127.0.0.1${req.url}`, { method: req.method }));
      res.statusCode = response.status;
      for (const [name, value] of response.headers) res.setHeader(name, value);
      res.end(await response.text());
    });
    const base = await listen(server);
    try {
      arrived.length = 0;
      const res = await createNogFetch({ key: KEY, baseUrl: base, retry: retryOn503({ maxDelayMs: 5_000 }) })('/p');
      expect([res.status, await res.text()]).toEqual([200, 'ok']);
      expect(arrived).toHaveLength(2);
      expect(arrived[0]).not.toBe(arrived[1]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
