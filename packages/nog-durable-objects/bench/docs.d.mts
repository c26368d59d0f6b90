/** Declarations of docs.mjs. */
import type { BenchRun, Stamp } from '../../../scripts/lib/bench-docs.mjs';

export interface MedianRun {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}
export const COMMAND: string;
export const PER_OBJECT: string;
export const AA: string;
export function sizingRun(
  measured: Stamp & { readonly rounds: number; readonly rows: readonly { name: string; raw: MedianRun; store: MedianRun }[] },
): BenchRun;
export function inlineFigures(run: BenchRun): Record<string, string>;
export function readmeRun(text?: string): BenchRun;
export function writeReadme(
  measured: Stamp & { readonly rounds: number; readonly rows: readonly { name: string; raw: MedianRun; store: MedianRun }[] },
): boolean;
