/** Declarations of docs.mjs. */
import type { Stamp } from '../../../scripts/lib/bench-docs.mjs';
export const BUDGETS: { readonly sign: number; readonly verify: number };
export function budgetFigures(): Record<string, string>;
export function writeReadme(
  run: Stamp & {
    readonly rounds: number;
    readonly rows: readonly {
      readonly name: string;
      readonly raw: number;
      readonly ours: number;
      readonly ratio: number;
      readonly budget?: number;
    }[];
  },
): boolean;
