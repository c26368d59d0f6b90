import { appendQuery, findTargetChange, formatDay, targetVariants } from '@reqsign/canonical';
import type { NopsDiagnosisCode } from '../../diagnose/api.js';
import type { ApiKeyIn } from '../../types.js';

/** One message the client may have signed, and the cause it proves if the signature verifies over it. */
export interface Hypothesis {
  /** Null for the message as received, when nothing but the verifier's rules stood in its way. */
  readonly code: NopsDiagnosisCode | null;
  readonly text: string;
  readonly message: string;
  /** Fields of the finding besides code, message and signed. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface HypothesisInput {
  readonly clientId: string;
  readonly day: string;
  readonly target: string;
  readonly apiKey: string;
  readonly apiKeyIn: ApiKeyIn;
  /** The verifier's failure for the request as received. */
  readonly failure: string | null;
  readonly instant: number | null;
  readonly origins: readonly string[];
  readonly prefixes: readonly string[];
  readonly clientTarget: string | null;
}

const DAY_MS = 86_400_000;
const minutes = (ms: number, up: boolean): number => (up ? Math.ceil(ms / 60_000) : Math.floor(ms / 60_000));
const clock = (m: number): string =>
  `${m < 0 ? '-' : '+'}${String(Math.floor(Math.abs(m) / 60)).padStart(2, '0')}:${String(Math.abs(m) % 60).padStart(2, '0')}`;

/** The UTC offsets (minutes, within -12:00 and +14:00) at which `instant` falls on `day`, or null if it never does. */
function offsetsOn(day: string, instant: number): { min: number; max: number } | null {
  const start = Date.parse(`${day}T00:00:00Z`);
  const min = Math.max(-720, minutes(start - instant, true));
  const max = Math.min(840, minutes(start + DAY_MS - instant, true) - 1);
  return min > max ? null : { min, max };
}

/** The target without its `api_key` parameters (and without `?` when nothing is left). */
function withoutApiKey(target: string): string {
  const q = target.indexOf('?');
  if (q === -1) return target;
  const rest = target
    .slice(q + 1)
    .split('&')
    .filter((s) => s !== 'api_key' && !s.startsWith('api_key='));
  return rest.length === 0 ? target.slice(0, q) : `${target.slice(0, q)}?${rest.join('&')}`;
}

/** Every hypothesis for a request, the message as received first, each a single change. */
export function hypotheses(h: HypothesisInput): Hypothesis[] {
  const at = (target: string, day = h.day): string => `${h.clientId}.${day}.${target}`;
  const keyed = h.target.includes('?') && withoutApiKey(h.target) !== h.target;
  const out: Hypothesis[] = [];
  if (h.failure === 'ERR_NOPS_TRAILING_SLASH') {
    out.push({
      code: 'DIAG_TRAILING_SLASH',
      text: 'the client signed (and sent) a path without the trailing slash nOps requires',
      message: at(h.target),
    });
  } else if (h.failure === 'ERR_NOPS_API_KEY_PARAM' && keyed !== (h.apiKeyIn === 'query')) {
    const signedIn: ApiKeyIn = keyed ? 'query' : 'header';
    const text = `the client signed in ${signedIn} form, as the request carries the key, but it was verified in ${h.apiKeyIn} form`;
    out.push({ code: 'DIAG_API_KEY_PLACEMENT', text, message: at(h.target), extra: { signedIn } });
  } else {
    out.push({ code: null, text: 'the message as received', message: at(h.target) });
  }
  if (h.apiKeyIn === 'query') {
    const text = 'the client signed the target without api_key (header form), and the key was then added to the query';
    out.push({ code: 'DIAG_API_KEY_PLACEMENT', text, message: at(withoutApiKey(h.target)), extra: { signedIn: 'header' } });
  } else {
    const text = 'the client signed with api_key in the query (query form), but sent the key in the X-Nops-Api-Key header';
    out.push({
      code: 'DIAG_API_KEY_PLACEMENT',
      text,
      message: at(appendQuery(h.target, `api_key=${h.apiKey}`)),
      extra: { signedIn: 'query' },
    });
  }
  const dayMs = Date.parse(`${h.day}T00:00:00Z`);
  // A day either side is the day of this instant in another zone, or of another instant: a signature made before
  // midnight and checked after it (in flight, retried, reused), or a client clock ahead past midnight. A witness
  // proves the day signed, not which.
  for (const [delta, which, or] of [
    [-1, 'the day before', 'before midnight and checked after it (a request in flight at midnight, a retry, a reused signature)'],
    [1, 'the day after', 'with a clock ahead past midnight'],
  ] as const) {
    const day = formatDay(dayMs + delta * DAY_MS);
    const offsets = h.instant === null ? null : offsetsOn(day, h.instant);
    if (h.instant !== null && offsets === null) continue;
    const where = offsets === null ? '' : `, the day of this instant at UTC offsets ${clock(offsets.min)} to ${clock(offsets.max)}`;
    const text = `the client signed ${day}, ${which}${where}: it took the day in another time zone than the verifier, or signed ${or}: the two cannot be told apart`;
    out.push({ code: 'DIAG_TIME_ZONE', text, message: at(h.target, day), extra: { day, utcOffsetMinutes: offsets } });
  }
  const options = { appended: ['api_key'], prefixes: h.prefixes, maxOrders: 24 };
  // targetVariants builds every variant up front: on a long target that alone costs more than the budget allows.
  for (const v of h.target.length <= 2048 ? targetVariants(h.target, options) : []) {
    out.push({
      code: v.code,
      text: v.description,
      message: at(v.target),
      ...(v.prefix === undefined ? {} : { extra: { prefix: v.prefix } }),
    });
  }
  for (const origin of h.origins) {
    const text = `the client signed the scheme and host ${origin} with the target; nOps signs the path and query only`;
    out.push({ code: 'DIAG_HOST_SIGNED', text, message: at(origin + h.target) });
  }
  if (h.clientTarget !== null && h.clientTarget !== h.target) {
    const change = h.target.length <= 2048 ? findTargetChange(h.clientTarget, h.target, options) : null;
    const text = change?.description ?? 'the client signed another target than the verifier received, and no one known change explains it';
    out.push({
      code: change?.code ?? 'DIAG_TARGET_CHANGED',
      text,
      message: at(h.clientTarget),
      ...(change?.prefix === undefined ? {} : { extra: { prefix: change.prefix } }),
    });
  }
  return out;
}
