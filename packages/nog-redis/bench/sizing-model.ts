/**
 * The sizing model of docs/SIZING.md: the figures it computes with (bench/sizing.bench.ts checks them against
 * measurements, test/sizing.test.ts checks the document's tables against them) and its formula.
 */
export const MODEL = {
  /** Verifications a second per verifier core, memory store. */
  verifyPerCoreMemory: 100_000,
  /** Verifications a second per verifier core, Redis store (verification + Redis client). */
  verifyPerCoreRedis: 40_000,
  /** Claims a second per Redis shard (one core of redis-server). */
  claimsPerShard: 150_000,
  /** Redis memory per live nonce, bytes. */
  redisBytesPerNonce: 240,
  /** Memory store per live nonce, bytes. */
  memoryBytesPerNonce: 150,
  /** Claims a second per Durable Object: half of Cloudflare's soft limit of about 1,000 requests a second per object. */
  claimsPerObject: 500,
  /** The Redis store's clock tolerance, seconds (its default `clockToleranceMs`). */
  toleranceSeconds: 30,
  /** The memory one Redis shard may use, bytes. */
  shardMemoryBytes: 8e9,
} as const;

/** A fleet for `rate` signed requests a second with a nonce, each with `authexpires` = `expires` seconds. */
export function fleet(rate: number, expires: number) {
  const liveNonces = rate * (expires + MODEL.toleranceSeconds);
  const redisBytes = liveNonces * MODEL.redisBytesPerNonce;
  const shardsForRate = Math.ceil(rate / MODEL.claimsPerShard);
  const shardsForMemory = Math.ceil(redisBytes / MODEL.shardMemoryBytes);
  return {
    verifierCores: rate / MODEL.verifyPerCoreRedis,
    liveNonces,
    redisBytes,
    shardsForRate,
    shardsForMemory,
    shards: Math.max(shardsForRate, shardsForMemory),
    durableObjects: Math.ceil(rate / MODEL.claimsPerObject),
  };
}
