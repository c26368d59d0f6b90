import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('python3', 'tzdata');

// The differential fuzz mode in CI: `reqsign conformance fuzz` over the three implementations (TypeScript on
// node:crypto and on WebCrypto, the Python reference port) with a fixed budget, over fixed seeds and one random
// one (printed, so that a failure can be replayed with --seed). Any disagreement fails. Each seed covers every
// operation with RUNS inputs, so every operation gets RUNS * (SEEDS.length + 1) >= 2,000 inputs.
const SEEDS = [28, 20261206];
const RUNS = 700;
const OPERATIONS = 9;

function fuzz(seed: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'conformance', 'fuzz', '--runs', String(RUNS), '--seed', String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('reqsign conformance fuzz over the three implementations', () => {
  const random = (Math.random() * 2 ** 31) | 0;
  for (const seed of [...SEEDS, random]) {
    it(`agree on every input of every operation (seed ${seed})`, async () => {
      const run = await fuzz(seed);
      expect(run.stdout, `replay: reqsign conformance fuzz --runs ${RUNS} --seed ${seed}`).toContain(': no disagreement');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('typescript (node:crypto) / typescript (WebCrypto) / python (reference port)');
      const ops = [...run.stdout.matchAll(/^(\S+\/\S+): (\d+) inputs, all agree$/gm)];
      expect(ops).toHaveLength(OPERATIONS);
      for (const [, , n] of ops) expect(Number(n)).toBe(RUNS);
      expect(RUNS * (SEEDS.length + 1)).toBeGreaterThanOrEqual(2000);
    }, 300_000);
  }
});

describe('reqsign conformance fuzz --impl (conformance/README.md, "Differential mode")', () => {
  it('compares a port with the TypeScript reference on node:crypto', async () => {
    const python = new URL('../../../conformance/ports/python/reqsign_port.py', import.meta.url).pathname;
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          CLI,
          'conformance',
          'fuzz',
          '--impl',
          `mine=python3 ${JSON.stringify(python)}`,
          '--runs',
          '50',
          '--seed',
          '1',
          '--operation',
          'canonical/target',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(run.stdout).toContain('seed 1, 50 inputs per operation, typescript (node:crypto) / mine\n');
    expect(run.stdout).toContain('canonical/target: 50 inputs, all agree');
    expect(run.code).toBe(0);
  }, 60_000);
});
