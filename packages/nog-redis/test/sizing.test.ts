import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDIS_NONCE_STORE_DEFAULTS } from '@reqsign/nog-redis';
import { fleet, MODEL } from '../bench/sizing-model.js';

/**
 * docs/SIZING.md says what its model computes with and what it gives: both tables are checked here against the
 * model that bench/sizing.bench.ts checks against measurements, so the document, the model and the bench agree.
 */
const doc = readFileSync(new URL('../../../docs/SIZING.md', import.meta.url), 'utf8');
const rowsOf = (header: string): string[][] => {
  const start = doc.indexOf(header);
  expect(start, header).toBeGreaterThan(-1);
  const lines = doc.slice(start).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replaceAll('*', '')),
    );
  }
  return rows;
};
const num = (text: string): number => Number(text.replace(/[^0-9.]/g, ''));

describe('docs/SIZING.md', () => {
  it('lists the figures the model computes with', () => {
    const used = new Map(rowsOf('| figure | symbol |').map((r) => [r[1], r[2]!]));
    expect(num(used.get('`V_mem`')!)).toBe(MODEL.verifyPerCoreMemory);
    expect(num(used.get('`V_redis`')!)).toBe(MODEL.verifyPerCoreRedis);
    expect(num(used.get('`S`')!)).toBe(MODEL.claimsPerShard);
    expect(num(used.get('`B_redis`')!)).toBe(MODEL.redisBytesPerNonce);
    expect(num(used.get('`B_mem`')!)).toBe(MODEL.memoryBytesPerNonce);
    expect(num(used.get('`S_do`')!)).toBe(MODEL.claimsPerObject);
    expect(num(used.get('`T`')!)).toBe(MODEL.toleranceSeconds);
    expect(doc).toContain(`here ${MODEL.shardMemoryBytes / 1e9} GB`);
  });

  it("takes T from the store's default clockToleranceMs and S_do as half the soft limit the Durable Objects README names", () => {
    expect(MODEL.toleranceSeconds * 1000).toBe(REDIS_NONCE_STORE_DEFAULTS.clockToleranceMs);
    expect(rowsOf('| figure | symbol |').find((r) => r[1] === '`T`')![3]).toContain('`clockToleranceMs`');
    const doReadme = readFileSync(new URL('../../nog-durable-objects/README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const limit = /a single object a soft limit of about ([\d,]+) requests a second/.exec(doReadme);
    expect(limit, 'the soft limit in the Durable Objects README').not.toBeNull();
    expect(MODEL.claimsPerObject).toBe(num(limit![1]!) / 2);
    expect(rowsOf('| figure | symbol |').find((r) => r[1] === '`S_do`')![3]).toContain(
      `half of Cloudflare's soft limit of about ${limit![1]}`,
    );
  });

  it('gives the fleet the formula gives, for 10k, 100k and 1M req/s at authexpires 300 and 600', () => {
    const rows = rowsOf('| req/s | authexpires |');
    expect(rows.map((r) => [num(r[0]!), num(r[1]!)])).toEqual(
      [10_000, 100_000, 1_000_000].flatMap((rate) => [
        [rate, 300],
        [rate, 600],
      ]),
    );
    for (const r of rows) {
      const f = fleet(num(r[0]!), num(r[1]!));
      expect(num(r[2]!), r.join('|')).toBeCloseTo(f.verifierCores, 2);
      expect(num(r[3]!), r.join('|')).toBeCloseTo(f.liveNonces / 1e6, 1);
      expect(num(r[4]!), r.join('|')).toBeCloseTo(f.redisBytes / 1e9, 2);
      expect([num(r[5]!), num(r[6]!), num(r[7]!), num(r[8]!)], r.join('|')).toEqual([
        f.shardsForRate,
        f.shardsForMemory,
        f.shards,
        f.durableObjects,
      ]);
    }
  });
});
