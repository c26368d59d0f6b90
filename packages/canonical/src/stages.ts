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
  const present = values.filter((v): v is readonly [string, string] => v[1] !== null);
  const reference = present[0]?.[1] ?? '';
  return { name, values: present.map(([who, text], i) => ({ who, text, differsAt: i === 0 ? -1 : firstDifference(reference, text) })) };
}
