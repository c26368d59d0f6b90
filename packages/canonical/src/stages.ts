import { CanonicalError, assertString } from './errors.js';
import { firstDifference } from './normalize.js';

/** One value of a stage: who computed or carried it, the text, and where it first differs from the stage's first. */
export interface StageValue {
  readonly who: string;
  readonly text: string;
  /** The index of the first character that differs from the stage's first value; -1 for that value and for equal ones. */
  readonly differsAt: number;
}

/** A stage of a verification (the target, the string to sign, the signature): its values side by side. */
export interface Stage {
  readonly name: string;
  readonly values: readonly StageValue[];
}

/** A stage from its values in order, leaving out those that are null (not there); the first one is the reference. */
export function stageOf(name: string, values: ReadonlyArray<readonly [who: string, text: string | null]>): Stage {
  assertString(name, 'name');
  const entries: unknown[] = Array.isArray(values) ? Array.from(values) : [0];
  const wellFormed = (v: unknown): v is readonly [string, string | null] =>
    Array.isArray(v) && typeof v[0] === 'string' && (typeof v[1] === 'string' || v[1] === null);
  if (!Array.isArray(values) || !entries.every(wellFormed)) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'values must be an array of [who, text or null] pairs');
  }
  const present = (entries as Array<readonly [string, string | null]>).filter((v): v is readonly [string, string] => v[1] !== null);
  const reference = present[0]?.[1] ?? '';
  return { name, values: present.map(([who, text], i) => ({ who, text, differsAt: i === 0 ? -1 : firstDifference(reference, text) })) };
}
