import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVectors, Port, SCHEMES } from '../src/index.js';
import { PYTHON_PORT } from './helpers.js';
import { requirePrograms } from '../../scripts/lib/programs.js';

requirePrograms('python3');

// A port that names itself after its working directory.
const hello = `${JSON.stringify(process.execPath)} -e ${JSON.stringify(
  'console.log(JSON.stringify({type:"hello",protocol:"reqsign-conformance/1",name:process.cwd(),version:"1",supports:{}}))',
)}`;

describe('PROTOCOL.md, "The exchange" and "Messages"', () => {
  it("starts a port in the runner's working directory, or in the implementation's cwd", async () => {
    const nameOf = async (cwd?: string) => {
      const started = await Port.start({ command: hello, ...(cwd === undefined ? {} : { cwd }) });
      if (!('port' in started)) throw new Error(started.detail);
      await started.port.close();
      return started.port.hello.name;
    };
    expect(await nameOf()).toBe(process.cwd());
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'reqsign-cwd-')));
    expect(await nameOf(dir)).toBe(dir);
  });

  it('the reference port answers its own failure with ERR_UNEXPECTED and goes on with the next request', async () => {
    const source = readFileSync(PYTHON_PORT, 'utf8');
    const line = 'def canonical_encoding(data):\n';
    expect(source.split(line)).toHaveLength(2);
    const path = join(mkdtempSync(join(tmpdir(), 'reqsign-failing-')), 'failing_port.py');
    writeFileSync(path, source.replace(line, `${line}    raise RuntimeError("a bug")\n`));
    const started = await Port.start({ command: `python3 ${JSON.stringify(path)}` });
    if (!('port' in started)) throw new Error(started.detail);
    const { port } = started;
    try {
      const failed = await port.request({
        type: 'request',
        id: 'a',
        scheme: 'canonical',
        operation: 'encoding',
        input: { encoding: 'hex', hex: '00' },
      });
      expect(failed).toMatchObject({ kind: 'response', response: { id: 'a', error: { code: 'ERR_UNEXPECTED' } } });
      // Its stack trace on stderr (read on another pipe: waited for, up to 10 s).
      for (let i = 0; i < 100 && !port.stderr.includes('a bug'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(port.stderr).toContain('a bug');
      const next = await port.request({ type: 'request', id: 'b', scheme: 'canonical', operation: 'target', input: { url: '/p' } });
      expect(next).toMatchObject({ kind: 'response', response: { id: 'b', output: { target: '/p' } } });
    } finally {
      await port.close();
    }
  });
});

/** The `### ` sections of "## Operations" in PROTOCOL.md: heading's first word → the rows of its operations table. */
function operationTables(text: string): Map<string, Map<string, string>> {
  const section = text.slice(text.indexOf('\n## Operations'));
  const end = section.indexOf('\n## ', 1);
  const tables = new Map<string, Map<string, string>>();
  for (const part of (end < 0 ? section : section.slice(0, end)).split('\n### ').slice(1)) {
    const rows = new Map<string, string>();
    for (const line of part.split('\n')) {
      const op = /^\| `([a-z-]+)` \|/.exec(line)?.[1];
      if (op !== undefined) rows.set(op, line);
    }
    tables.set(part.split(/[\s\n]/)[0]!, rows);
  }
  return tables;
}

/** The codes in bold in a row (`**ERR_A, ERR_B**` names two). */
function boldCodes(row: string): string[] {
  return [...row.matchAll(/\*\*(ERR_[A-Z0-9_, ]+)\*\*/g)].flatMap((m) => m[1]!.split(/,\s*/));
}

/** The error codes a row names: bold codes, plus every code of a family it names as `ERR_TARGET_*`. */
function rowNames(row: string, code: string): boolean {
  const named = boldCodes(row);
  const families = [...row.matchAll(/`(ERR_[A-Z0-9_]+)\*`/g)].map((m) => m[1]!);
  return named.includes(code) || families.some((prefix) => code.startsWith(prefix));
}

describe('PROTOCOL.md, "Operations": one table per scheme, every operation and every code its vectors expect', () => {
  const tables = operationTables(readFileSync(new URL('../PROTOCOL.md', import.meta.url), 'utf8'));
  const vectors = loadVectors();

  it('has a section per scheme, and none for a scheme that is not one, each listing exactly its operations', () => {
    expect([...tables.keys()].sort()).toEqual(SCHEMES.map((s) => s.id).sort());
    for (const scheme of SCHEMES) {
      expect([...tables.get(scheme.id)!.keys()], `PROTOCOL.md's "### ${scheme.id}" table`).toEqual([...scheme.operations]);
    }
  });

  it("names in each operation's errors column every code a vector of it expects (a sequence: also its verify's)", () => {
    const missing: string[] = [];
    for (const file of vectors) {
      const rows = tables.get(file.scheme)!;
      const row = rows.get(file.operation)!;
      const also = file.operation === 'verify-sequence' ? (rows.get('verify') ?? '') : '';
      const codes = new Set<string>();
      for (const c of file.cases) {
        const e = c.expected;
        if (e.result === 'invalid') codes.add(e.error);
        if (e.result === 'acceptable') for (const x of e.errors) if (x.startsWith('ERR_')) codes.add(x);
        const results = (e as { output?: { results?: unknown[] } }).output?.results;
        for (const r of results ?? []) if (typeof r === 'string' && r.startsWith('ERR_')) codes.add(r);
      }
      for (const code of codes) if (!rowNames(row, code) && !rowNames(also, code)) missing.push(`${file.name}: ${code}`);
    }
    expect(missing).toEqual([]);
  });

  it('has, for each code a row names, a vector of that operation that expects it', () => {
    const unheld: string[] = [];
    for (const scheme of SCHEMES) {
      for (const [op, row] of tables.get(scheme.id)!) {
        const held = JSON.stringify(vectors.filter((f) => f.scheme === scheme.id && f.operation === op).map((f) => f.cases));
        for (const code of boldCodes(row)) if (!held.includes(`"${code}"`)) unheld.push(`${scheme.id} ${op}: ${code}`);
      }
    }
    expect(unheld).toEqual([]);
  });
});
