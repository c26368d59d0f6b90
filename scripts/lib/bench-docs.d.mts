/** Declarations of bench-docs.mjs (plain JavaScript, for the benches that run under node). */
export interface Stamp {
  readonly machine: string;
  readonly node: string;
  readonly commit: string;
  readonly date: string;
}
export interface BenchRun extends Stamp {
  readonly command: string;
  /** The machine's one-minute load average as the run ended (a busy neighbour moves the figures). */
  readonly load?: string;
  readonly note?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}
export function stamp(): Stamp;
export function renderBench(run: BenchRun): string;
export function writeBenchRegions(file: string | URL, tool: string, values: Readonly<Record<string, BenchRun | string>>): boolean;
