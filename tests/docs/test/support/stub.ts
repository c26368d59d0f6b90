import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SCHEMES } from '@reqsign/conformance';
import { createVerifier } from '@reqsign/nog';
import { verify as nopsVerify } from '@reqsign/nops';
import { KEYS, NOG } from './userFolder.js';

/** A request as the stub got it: the bytes a verifier needs. */
export interface Received {
  readonly method: string;
  readonly target: string;
  readonly headers: IncomingMessage['headers'];
}

/**
 * How the stub recognizes and verifies each scheme's requests, by the scheme's `command` in SCHEMES: a request that
 * carries a scheme's signature is verified as that scheme; one that carries none, or a scheme without an entry here,
 * fails the test that checks the stub's requests (it names what to add).
 */
export const STUB_SCHEMES: Readonly<
  Record<string, { readonly signed: (r: Received) => boolean; readonly verify: (r: Received) => Promise<boolean> }>
> = {
  nog: {
    signed: (r) => /[?&]authsignature=/.test(r.target),
    verify: async (r) => {
      const result = await createVerifier({ keys: { [NOG.id]: NOG.secret } }).verify(r.method, r.target);
      return result.ok;
    },
  },
  nops: {
    signed: (r) => typeof r.headers['x-nops-signature'] === 'string',
    verify: async (r) => {
      const publicKey = readFileSync(join(KEYS, 'rsa2048.pub.pem'), 'utf8');
      const query = new URLSearchParams(r.target.split('?')[1] ?? '');
      const apiKey = (r.headers['x-nops-api-key'] as string | undefined) ?? query.get('api_key') ?? '';
      const days = [0, -1].map((d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10));
      const results = await Promise.all(
        days.map((date) =>
          nopsVerify(
            { url: r.target, apiKey, date, apiKeyIn: r.target.includes('api_key=') ? 'query' : 'header' },
            r.headers['x-nops-signature'] as string,
            publicKey,
          ),
        ),
      );
      return results.some((x) => x.ok);
    },
  },
};

/** Which scheme of SCHEMES signed a request, by the stub's recognizers: a message naming what is wrong otherwise. */
export function schemeOfRequest(r: Received): { readonly command: string } | { readonly error: string } {
  const signing = SCHEMES.filter((s) => s.command !== undefined);
  const missing = signing.filter((s) => !Object.hasOwn(STUB_SCHEMES, s.command!));
  if (missing.length > 0) {
    return { error: `add ${missing.map((s) => s.command).join(', ')} to STUB_SCHEMES (tests/docs/test/support/stub.ts)` };
  }
  const by = signing.filter((s) => STUB_SCHEMES[s.command!]!.signed(r));
  if (by.length !== 1) return { error: `${r.method} ${r.target} carries ${by.length === 0 ? 'no' : 'more than one'} scheme's signature` };
  return { command: by[0]!.command! };
}

/** The local server the READMEs' requests go to (tests/docs/fixtures/route-fetch.mjs), recording each. */
export async function startStub(): Promise<{ readonly url: string; readonly received: readonly Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method!, target: req.url!, headers: req.headers });
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
