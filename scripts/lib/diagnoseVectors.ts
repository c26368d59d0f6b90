import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The diagnosis vectors of @reqsign/nog and @reqsign/nops (`test/fixtures/diagnose.json`), each written by a generator
 * beside it from independent tools: what both packages' tests check about them.
 */

/** One case: built to trigger `code` (`holds`) or to look like it without it holding. */
export interface DiagnoseCase {
  readonly id: string;
  readonly code: string;
  readonly holds: boolean;
}

/** What the generator `[command, script]` writes as diagnose.json, run into a fresh directory. */
export function generated(command: string, script: string): string {
  const out = mkdtempSync(join(tmpdir(), 'reqsign-diag-'));
  execFileSync(command, [script], { env: { ...process.env, REQSIGN_VECTORS_OUT: out }, stdio: 'pipe' });
  return readFileSync(join(out, 'diagnose.json'), 'utf8');
}

/**
 * What is missing for every code to have a case that triggers it and one that shows it not claimed, and the cases
 * whose code is not one of `codes`: empty when the vectors cover every code both ways.
 */
export function coverageGaps(cases: readonly DiagnoseCase[], codes: readonly string[]): string[] {
  const gaps: string[] = [];
  for (const code of codes) {
    if (!cases.some((c) => c.code === code && c.holds)) gaps.push(`${code}: no case triggers it`);
    if (!cases.some((c) => c.code === code && !c.holds)) gaps.push(`${code}: no case shows it not claimed`);
  }
  for (const c of cases) if (!codes.includes(c.code)) gaps.push(`${c.id}: unknown code ${c.code}`);
  return gaps;
}
