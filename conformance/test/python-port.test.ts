import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadVectors, runImplementation, SCHEMES, totals } from '../src/index.js';
import { FIXTURES, PYTHON_PORT } from './helpers.js';
import { cryptodomePython, requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3', 'tzdata', 'cryptodome');

const files = loadVectors();
const cases = files.reduce((n, f) => n + f.cases.length, 0);

describe('the reference Python port', () => {
  it('passes every vector of every scheme and operation, none unsupported', async () => {
    const report = await runImplementation({ command: `python3 ${JSON.stringify(PYTHON_PORT)}` }, files);
    // Every scheme and operation with vectors is in the port's OPERATIONS table (its hello lists them): name what is not.
    const missing = [
      ...new Set(
        files.filter((f) => !report.hello?.supports[f.scheme]?.includes(f.operation)).map((f) => `("${f.scheme}", "${f.operation}")`),
      ),
    ];
    expect(
      missing,
      `add to OPERATIONS in conformance/ports/python/reqsign_port.py, each with the function that answers its vectors' inputs (as ("nog-v1", "sign"): nog_sign does): ${missing.join(', ')}`,
    ).toEqual([]);
    const failures = report.results.filter((r) => r.status !== 'pass');
    expect(failures).toEqual([]);
    expect(totals([report])).toEqual({ passed: cases, failed: 0, unsupported: 0 });
    expect(report.hello).toMatchObject({ protocol: 'reqsign-conformance/1', name: 'reqsign-python' });
    // It says so in its hello: every scheme and operation that has vectors.
    for (const f of files) expect(report.hello!.supports[f.scheme]).toContain(f.operation);
  });

  it("is the hello PROTOCOL.md's example session shows, byte for byte (so the example is the port's real hello)", () => {
    const hello = execFileSync('python3', [PYTHON_PORT], { input: '', encoding: 'utf8', timeout: 30_000 }).split('\n')[0];
    const protocol = readFileSync(new URL('../PROTOCOL.md', import.meta.url), 'utf8');
    const shown = protocol.split('\n').find((l) => l.startsWith('< {"type":"hello"'));
    expect(shown, "PROTOCOL.md shows a session with the port's hello").toBeDefined();
    expect(shown!.slice(2), `set the example hello in conformance/PROTOCOL.md to the port's real hello: < ${hello}`).toBe(hello);
    // Every scheme of SCHEMES that the port implements is in it.
    for (const s of SCHEMES.filter((x) => x.ports.includes('python')))
      expect(
        JSON.parse(hello!).supports[s.id],
        `add ${s.id}'s operations to conformance/ports/python/reqsign_port.py's OPERATIONS`,
      ).toBeDefined();
  });

  it('uses the Python standard library only', () => {
    const imports = execFileSync(
      'python3',
      [
        '-c',
        `import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
names = set()
for node in ast.walk(tree):
    if isinstance(node, ast.Import): names.update(a.name.split(".")[0] for a in node.names)
    elif isinstance(node, ast.ImportFrom): names.add(node.module.split(".")[0])
print(" ".join(sorted(names)))`,
        PYTHON_PORT,
      ],
      { encoding: 'utf8' },
    )
      .trim()
      .split(' ');
    const stdlib = execFileSync('python3', ['-c', 'import sys; print(" ".join(sorted(sys.stdlib_module_names)))'], { encoding: 'utf8' })
      .trim()
      .split(' ');
    expect(imports.length).toBeGreaterThan(3);
    expect(imports.filter((m) => !stdlib.includes(m))).toEqual([]);
  });
});

// The nOps docs sign with pycryptodomex (`from Cryptodome...`); Debian's python3-pycryptodome provides it for
// /usr/bin/python3 (requirePrograms('cryptodome') above fails the file without it).
const python = cryptodomePython()!;

describe('nOps signatures against Cryptodome', () => {
  it('the port signs and verifies exactly as pycryptodomex does', () => {
    const report = JSON.parse(execFileSync(python, [`${FIXTURES}cryptodome_check.py`], { encoding: 'utf8' })) as {
      vectorSignatures: number;
      randomSignatures: number;
      verifications: number;
      keys: number;
      mismatches: unknown[];
    };
    expect(report.mismatches).toEqual([]);
    expect(report.keys).toBeGreaterThanOrEqual(2); // a 1024-bit and a 2048-bit key at least
    expect(report.vectorSignatures).toBeGreaterThanOrEqual(30);
    expect(report.randomSignatures).toBe(25 * report.keys);
    expect(report.verifications).toBe(2 * report.randomSignatures);
  });
});
