import { assertKnownOptions } from '@reqsign/canonical';
import { NogError } from '@reqsign/nog';
import type { RedisConnectionLike } from '../clients.js';
import type { RedisClaimEvent } from '../metrics.js';
import type { RedisNonceStoreOptions } from '../redisNonceStore.js';
import { isPool } from './topology.js';

/** The defaults of the store's options. */
export const REDIS_NONCE_STORE_DEFAULTS: {
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly clockToleranceMs: number;
  readonly maxInFlight: number;
} = Object.freeze({ prefix: 'reqsign:nog:nonce:', timeoutMs: 250, clockToleranceMs: 30_000, maxInFlight: 10_000 });
const DEFAULTS = REDIS_NONCE_STORE_DEFAULTS;
/** The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The options, checked once, when the store is made. */
export interface StoreConfig {
  readonly client: RedisConnectionLike;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly toleranceMs: number;
  readonly maxInFlight: number;
  readonly durability: { readonly replicas: number; readonly timeoutMs: number } | undefined;
  readonly onClaim: ((event: RedisClaimEvent) => void) | undefined;
}

/** The store's option names: any other is refused, with the one it most likely meant. */
const OPTION_NAMES: readonly string[] = ['client', 'prefix', 'timeoutMs', 'clockToleranceMs', 'maxInFlight', 'durability', 'onClaim'];

const invalid = (message: string): NogError => new NogError('ERR_INVALID_ARGUMENT', message);

function wholeNumber(value: unknown, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER, unit?: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalid(`${name} must be a number`);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new NogError(
      'ERR_OPTION_RANGE',
      `${name} must be a whole number${unit === undefined ? '' : ` of ${unit}`} from ${min} to ${max}`,
    );
  }
  return value;
}

export function readOptions(options: RedisNonceStoreOptions): StoreConfig {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  assertKnownOptions(options, OPTION_NAMES, 'createRedisNonceStore', NogError);
  const { client } = options;
  if (typeof client !== 'object' || client === null || typeof (client as { sendCommand?: unknown }).sendCommand !== 'function') {
    throw invalid('client must be a node-redis client, cluster or sentinel');
  }
  const prefix = options.prefix ?? DEFAULTS.prefix;
  if (typeof prefix !== 'string') throw invalid('prefix must be a string');
  const timeoutMs = wholeNumber(options.timeoutMs, 'timeoutMs', DEFAULTS.timeoutMs, 1, MAX_TIMER_MS, 'milliseconds');
  const toleranceMs = wholeNumber(
    options.clockToleranceMs,
    'clockToleranceMs',
    DEFAULTS.clockToleranceMs,
    0,
    Number.MAX_SAFE_INTEGER,
    'milliseconds',
  );
  const maxInFlight = wholeNumber(options.maxInFlight, 'maxInFlight', DEFAULTS.maxInFlight, 1);
  const onClaim = options.onClaim;
  if (onClaim !== undefined && typeof onClaim !== 'function') throw invalid('onClaim must be a function');

  let durability: StoreConfig['durability'];
  if (options.durability !== undefined) {
    const d = options.durability;
    if (typeof d !== 'object' || d === null) throw invalid('durability must be an object');
    assertKnownOptions(d, ['replicas', 'timeoutMs'], 'durability', NogError);
    if (d.replicas === undefined) throw invalid('durability.replicas must be a number');
    const replicas = wholeNumber(d.replicas, 'durability.replicas', 1, 1);
    // WAIT blocks its connection until it answers: it must answer before the claims that wait on it time out.
    const waitMs = wholeNumber(
      d.timeoutMs,
      'durability.timeoutMs',
      Math.max(1, Math.floor(timeoutMs / 2)),
      1,
      Math.max(1, timeoutMs - 1),
      'milliseconds',
    );
    if (isPool(client)) throw invalid('durability needs one connection per primary: pass a client, cluster or sentinel, not a pool');
    durability = { replicas, timeoutMs: waitMs };
  }
  return { client, prefix, timeoutMs, toleranceMs, maxInFlight, durability, onClaim };
}
