/**
 * The README blocks for Cloudflare Workers (`<!-- snippet: serve env=worker -->`) run in workerd, the Workers runtime:
 * each block is saved as the file it names, bundled as wrangler would (esbuild, the `workerd` condition), and served
 * as a worker of its own with the bindings its README gives (the keys as text bindings; the Durable Object namespaces
 * of the `wrangler.jsonc` block after it), all in one workerd process; then each is sent signed and unsigned requests.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '@reqsign/nog';
import { type Binding, bundleWorker, startWorkerdSet, type WorkerdOptions, type WorkerdSet } from '../../../scripts/lib/workerd.js';
import { ROOT } from '../../../scripts/lib/workspace.js';
import { slug } from './support/programs.js';
import { parseReadme, readmes, type Snippet } from './support/snippets.js';
import { NOG } from './support/userFolder.js';

const parsed = readmes(ROOT).map((r) => ({ readme: r, ...parseReadme(ROOT, r) }));
const blocks = parsed.flatMap((r) => r.snippets).filter((s) => s.mode === 'serve' && s.env === 'worker');
const work = join(ROOT, 'tests', 'docs', '.tmp', 'workers');

/**
 * The Durable Object bindings of the `wrangler.jsonc` block of a README (the config a user deploys the block with),
 * or none: `durable_objects.bindings` with the classes `migrations` declares as SQLite-backed.
 */
function wranglerObjects(readme: string): { name: string; className: string }[] {
  const text = parsed.find((r) => r.readme === readme)!.text.find((t) => t.startsWith('// wrangler.jsonc'));
  if (text === undefined) return [];
  const config = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as {
    durable_objects?: { bindings?: { name: string; class_name: string }[] };
    migrations?: { new_sqlite_classes?: string[] }[];
  };
  const sqlite = new Set((config.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  return (config.durable_objects?.bindings ?? []).map((b) => {
    if (!sqlite.has(b.class_name)) throw new Error(`${readme}: ${b.class_name} is not in a migration's new_sqlite_classes`);
    return { name: b.name, className: b.class_name };
  });
}

let workerd: WorkerdSet;
const urls = new Map<string, string>();

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  const workers: WorkerdOptions[] = [];
  for (const s of blocks) {
    // As pasted: the file the block names, in a folder of its own, bundled from there.
    const file = join(work, slug(s), s.file?.name ?? 'worker.ts');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${s.before}${s.code}`);
    const objects = wranglerObjects(s.readme);
    const bindings: Binding[] = [
      { name: 'NOG_KEYID', text: NOG.id },
      { name: 'NOG_SECRETKEY', text: NOG.secret },
      ...objects.map((o) => ({ name: o.name, durableObjectNamespace: o.className })),
    ];
    workers.push({
      code: (await bundleWorker(file)).code,
      bindings,
      durableObjects: objects.map((o) => ({ className: o.className, uniqueKey: `readme-${slug(s)}-${o.className}` })),
      storageDir: join(work, 'storage'),
    });
  }
  workerd = await startWorkerdSet(workers);
  for (const [i, s] of blocks.entries()) urls.set(s.id, workerd.urls[i]!);
}, 120_000);
afterAll(async () => {
  await workerd?.stop();
  rmSync(work, { recursive: true, force: true });
});

const key = { id: NOG.id, secret: NOG.secret };
const show = async (r: Response, s: Snippet): Promise<string> => `${s.readme}:${s.line}: ${r.status} ${await r.clone().text()}`;

describe('README blocks for Cloudflare Workers, in workerd', () => {
  it('finds both: the fetch wrapper (http) and the Durable Objects nonce store (the test cannot pass by finding none)', () => {
    expect(blocks.map((s) => s.readme).sort()).toEqual(['packages/http/README.md', 'packages/nog-durable-objects/README.md']);
  });

  it.each(blocks.map((s) => [s.id, s] as const))(
    '%s: answers a signed request with its key id, refuses an unsigned one',
    async (_id, s) => {
      const base = urls.get(s.id)!;
      const { url } = await sign('GET', `${base}/api/blobs/abc?x=1`, key);
      const ok = await fetch(url);
      expect(ok.status, await show(ok, s)).toBe(200);
      const body = (await ok.json()) as { keyId: string; query?: unknown };
      expect(body.keyId).toBe(NOG.id);
      expect(JSON.stringify(body)).not.toMatch(/auth(signature|keyid)/);
      const unsigned = await fetch(`${base}/api/blobs/abc?x=1`);
      expect(unsigned.status, await show(unsigned, s)).toBe(401);
      const wrongKey = await sign('GET', `${base}/api/blobs/abc?x=1`, { id: NOG.id, secret: `${NOG.secret}0` });
      expect((await fetch(wrongKey.url)).status).toBe(401);
    },
  );

  it('the Durable Objects block refuses a replay (its nonce in its object), and a request without a nonce (requireNonce)', async () => {
    const s = blocks.find((b) => b.readme === 'packages/nog-durable-objects/README.md')!;
    const base = urls.get(s.id)!;
    const { url } = await sign('GET', `${base}/api/blobs/once`, key);
    expect((await fetch(url)).status).toBe(200);
    const replay = await fetch(url);
    expect(replay.status, await show(replay, s)).toBe(401);
    expect(await replay.text()).toMatch(/nonce/i);
    // Many nonces at once: each accepted once, whichever of the 32 objects it lands on.
    const many = await Promise.all(Array.from({ length: 20 }, () => sign('GET', `${base}/api/blobs/many`, key)));
    expect((await Promise.all(many.map((m) => fetch(m.url)))).map((r) => r.status)).toEqual(many.map(() => 200));
    expect((await Promise.all(many.map((m) => fetch(m.url)))).map((r) => r.status)).toEqual(many.map(() => 401));
    const noNonce = await sign('GET', `${base}/api/blobs/abc`, key, { nonce: false });
    expect((await fetch(noNonce.url)).status).toBe(401);
  });
});
