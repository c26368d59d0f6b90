import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../src/internal/slot.js';
import { connectClient, type TestClient } from './helpers/client.js';
import { startRedisServer, type RedisServer } from './helpers/redisServer.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('redis-server');

// The store groups a batch of claims by the primary of each key's slot, so its slot function must be Redis's.
describe('keySlot', () => {
  let server: RedisServer;
  let client: TestClient;
  beforeAll(async () => {
    server = await startRedisServer({ args: () => ['--cluster-enabled', 'yes'] });
    client = await connectClient(server.url);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('follows the Redis Cluster specification: CRC16-XMODEM mod 16384, hash tags', () => {
    expect(keySlot('123456789')).toBe(0x31c3 % 16_384); // the CRC16 check value
    expect(keySlot('')).toBe(0);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });

  it("agrees with the server's CLUSTER KEYSLOT on any key: UTF-8, lone surrogates, braces (property, 5,000 keys)", async () => {
    // The specification's own examples first (`foo{}{bar}`: an empty tag, so the whole key is hashed).
    const examples = ['foo{}{bar}', 'foo{{bar}}zap', 'foo{bar}{zap}', '{}', '{', '}{', 'a{b}c{', '\ud800', '\udc00x'];
    const keys = examples.concat(
      fc.sample(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 60 }),
          fc.string({ unit: fc.constantFrom('{', '}', 'a', 'é', '\ud83d', '\ude00', '😀'), maxLength: 12 }),
          fc
            .tuple(fc.string(), fc.string({ unit: 'binary' }))
            .map(([id, nonce]) => `reqsign:nog:nonce:${JSON.stringify([id, '2015-04-20T123456Z', nonce])}`),
        ),
        5000,
      ),
    );
    const slots = await Promise.all(keys.map((key) => client.sendCommand(['CLUSTER', 'KEYSLOT', key])));
    expect(keys.map((key) => [key, keySlot(key)])).toEqual(keys.map((key, i) => [key, slots[i]]));
  });
});
