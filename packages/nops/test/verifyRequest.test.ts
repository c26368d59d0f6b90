/**
 * verify on what a server really receives: the README's `isSigned(req)` handler, as written, behind a real
 * node:http server, sent requests without the signature header, with it twice, and signed; and verify itself on
 * every shape a header value takes (absent, repeated, parsed by a framework): a result, never an error.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOC_KEY, builds, keyPath, outcomeOf, pem } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

const here = fileURLToPath(new URL('.', import.meta.url));
const README = readFileSync(join(here, '..', 'README.md'), 'utf8');

/** The fenced block of the README that defines `isSigned`, exactly as written. */
function isSignedBlock(): string {
  const blocks = [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes('export async function isSigned(req)'));
  if (block === undefined) throw new Error('the README has no isSigned(req) block');
  return block;
}

/** A raw HTTP/1.1 request, so that a header can be sent twice (or not at all), as a client on the network can. */
function rawRequest(port: number, lines: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe("the README's isSigned(req), as written, behind a node:http server", () => {
  const dir = join(here, '.tmp', `isSigned-${process.pid}`);
  let server: Server;
  let port: number;
  /** What each request's handler saw: true/false from isSigned, or the code it threw. */
  const seen: string[] = [];

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    copyFileSync(keyPath('rsa2048.pub'), join(dir, 'nops_public_key.pem'));
    writeFileSync(join(dir, 'isSigned.mjs'), isSignedBlock());
    process.env.NOPS_API_KEY = DOC_KEY;
    const cwd = process.cwd();
    // The block reads 'nops_public_key.pem' from the folder it runs in, as a user's server would.
    process.chdir(dir);
    let isSigned: (req: unknown) => Promise<boolean>;
    try {
      ({ isSigned } = (await import(pathToFileURL(join(dir, 'isSigned.mjs')).href)) as { isSigned: typeof isSigned });
    } finally {
      process.chdir(cwd);
    }
    server = createServer((req, res) => {
      isSigned(req).then(
        (ok) => {
          seen.push(String(ok));
          res.statusCode = ok ? 200 : 401;
          res.end();
        },
        (err: { code?: string }) => {
          seen.push(`threw ${err.code}`);
          res.statusCode = 500;
          res.end();
        },
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an unsigned request, a repeated or odd header with false, and a signed one with true; never throws', async () => {
    // The signed request: openssl signs the message of today's day (the block verifies with date: new Date()).
    const day = new Date().toISOString().slice(0, 10);
    const target = `/nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`;
    const signature = execFileSync('openssl', ['dgst', '-sha256', '-sign', keyPath('rsa2048')], {
      input: `123.${day}.${target}`,
    }).toString('base64');
    const get = [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1'];
    const statuses = [
      await rawRequest(port, get),
      await rawRequest(port, [...get, 'X-Nops-Signature: ']),
      await rawRequest(port, [...get, `X-Nops-Signature: ${signature}`, `X-Nops-Signature: ${signature}`]),
      await rawRequest(port, [...get, 'X-Nops-Signature: not base64!']),
      await rawRequest(port, [...get, `X-Nops-Signature: ${signature}`]),
    ];
    expect(seen).toEqual(['false', 'false', 'false', 'false', 'true']);
    expect(statuses).toEqual([401, 401, 401, 401, 200]);
  });
});

describe.each(builds)('verify on header values as a server gets them (%s)', (_name, build) => {
  const parts = { url: `/nops_api/v1/x/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
  const pub = pem('rsa1024.pub');

  it('resolves to ERR_NOPS_SIGNATURE_MISSING without a signature, ERR_NOPS_SIGNATURE_ENCODING for any other shape', async () => {
    expect(await outcomeOf(build.verify(parts, undefined, pub))).toBe('ERR_NOPS_SIGNATURE_MISSING');
    expect(await outcomeOf(build.verify(parts, null, pub))).toBe('ERR_NOPS_SIGNATURE_MISSING');
    expect(await outcomeOf(build.verify({ message: 'm' }, undefined, pub))).toBe('ERR_NOPS_SIGNATURE_MISSING');
    for (const odd of [[], ['QQ=='], ['QQ==', 'QQ=='], 5, {}, Buffer.from('QQ=='), true]) {
      expect(await outcomeOf(build.verify(parts, odd as never, pub))).toBe('ERR_NOPS_SIGNATURE_ENCODING');
    }
    expect(await outcomeOf(build.verify(parts, '', pub))).toBe('ERR_NOPS_SIGNATURE_ENCODING');
  });

  it('reports a bad request part before a missing signature (the order of docs/spec/nops.md)', async () => {
    expect(await outcomeOf(build.verify({ ...parts, url: '/x' }, undefined, pub))).toBe('ERR_NOPS_TRAILING_SLASH');
  });

  it('in header form, resolves to ERR_NOPS_API_KEY for an x-nops-api-key that is absent or repeated', async () => {
    const header = { url: '/nops_api/v1/x/', date: '2022-01-10', apiKeyIn: 'header' as const };
    expect(await outcomeOf(build.verify({ ...header, apiKey: undefined }, 'QQ==', pub))).toBe('ERR_NOPS_API_KEY');
    expect(await outcomeOf(build.verify({ ...header, apiKey: [DOC_KEY, DOC_KEY] }, 'QQ==', pub))).toBe('ERR_NOPS_API_KEY');
    // In query form the key is the caller's own: its type stays an argument error.
    expect(await outcomeOf(build.verify({ ...parts, apiKey: undefined }, 'QQ==', pub))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('still rejects for what the caller controls: the input object, the key', async () => {
    expect(await outcomeOf(build.verify(null as never, undefined, pub))).toBe('ERR_INVALID_ARGUMENT');
    expect(await outcomeOf(build.verify(parts, 'QQ==', null as never))).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('diagnose on header values as a server gets them', () => {
  it("resolves with verify's code and a null signature stage, where it rejected before", async () => {
    const { diagnose } = await import('../src/diagnose/node.js');
    const parts = { url: `/nops_api/v1/x/?api_key=${DOC_KEY}`, apiKey: DOC_KEY, date: '2022-01-10' };
    for (const [value, code] of [
      [undefined, 'ERR_NOPS_SIGNATURE_MISSING'],
      [['QQ==', 'QQ=='], 'ERR_NOPS_SIGNATURE_ENCODING'],
    ] as const) {
      const d = await diagnose(parts, value, pem('rsa1024.pub'));
      expect(d.valid).toBe(false);
      expect(d.code).toBe(code);
      expect(d.server?.signature).toBeNull();
    }
  });
});
