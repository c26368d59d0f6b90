import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the tests of @reqsign/nog and @reqsign/nops check alike about their diagnoses: the vectors
 * (`test/fixtures/diagnose.json`, each written by a generator beside it from independent tools), and the `/diagnose` entry.
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

/**
 * What is wrong with a scheme's `/diagnose` entry: both builds export exactly `DIAGNOSES` and `diagnose`, sharing
 * one table; the main entry exports nothing of a diagnosis (so its bundles carry none); the exports map sends
 * `node` to the node:crypto build and everything else to the WebCrypto one. Empty when all holds.
 */
export function entryProblems(
  nodeEntry: Readonly<Record<string, unknown>>,
  webEntry: Readonly<Record<string, unknown>>,
  mainEntry: Readonly<Record<string, unknown>>,
  manifest: { readonly exports: Readonly<Record<string, unknown>> },
): string[] {
  const problems: string[] = [];
  for (const [name, entry] of [
    ['node', nodeEntry],
    ['web', webEntry],
  ] as const) {
    const keys = Object.keys(entry).sort().join(',');
    if (keys !== 'DIAGNOSES,diagnose') problems.push(`the ${name} entry exports ${keys}`);
  }
  if (nodeEntry['DIAGNOSES'] !== webEntry['DIAGNOSES']) problems.push('the two entries have different DIAGNOSES objects');
  const leaked = Object.keys(mainEntry).filter((k) => /diagnos/i.test(k));
  if (leaked.length > 0) problems.push(`the main entry exports ${leaked.join(',')}`);
  const map = JSON.stringify(manifest.exports['./diagnose'] ?? null);
  const nodeFirst = /^\{"node":\{"types":"\.\/dist\/diagnose\/node\.d\.ts","default":"\.\/dist\/diagnose\/node\.js"\}/.test(map);
  const typesFirst = /^\{"types":"\.\/dist\/diagnose\/index\.d\.ts","node":"\.\/dist\/diagnose\/node\.js"/.test(map);
  if (!(nodeFirst || typesFirst) || !map.includes('"default":"./dist/diagnose/index.js"')) problems.push(`exports["./diagnose"] is ${map}`);
  return problems;
}
