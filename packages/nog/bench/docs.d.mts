/** Declarations of docs.mjs. */
import type { Stamp } from '../../../scripts/lib/bench-docs.mjs';
export function writeReadme(
  run: Stamp & {
    readonly rounds: number;
    readonly floor: string;
    readonly rows: readonly {
      readonly name: string;
      readonly ns: number;
      readonly raw: number;
      readonly ratio: number;
      readonly target?: number;
    }[];
    readonly capacities: readonly {
      readonly what: string;
      readonly refusedAt: number | null;
      readonly live: number;
      readonly bytes: number;
    }[];
    readonly perEntry: number;
  },
): boolean;
