import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFailure, formatTable, formatTotals, runImplementation, toJson, toJUnit, type ImplementationReport } from '../src/index.js';
import { encodingFile, fake } from './helpers.js';

const file = encodingFile();
const ids = file.cases.map((c) => c.id);

async function reports(): Promise<ImplementationReport[]> {
  const good = await runImplementation({ name: 'good <port>', command: fake() }, [file]);
  // One wrong answer (with XML-hostile characters), one crash, one unsupported.
  const bad = await runImplementation({ name: 'bad & "port"', command: fake(`--wrong-answer-on=${ids[2]}`, `--crash-on=${ids[3]}`, `--unsupported-on=${ids[5]}`) }, [file]);
  return [good, bad];
}

/** Parses JUnit XML with Python's xml.etree, an independent parser, and counts what CI systems read. */
function parseJUnit(text: string): { root: Record<string, string>; suites: Array<Record<string, string>>; testcases: number; failures: number; skipped: number; messages: string[] } {
  const path = join(mkdtempSync(join(tmpdir(), 'reqsign-junit-')), 'report.xml');
  writeFileSync(path, text);
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(json.dumps({
  "tag": root.tag, "root": root.attrib, "suites": [s.attrib for s in root.findall("testsuite")],
  "testcases": len(root.findall(".//testcase")), "failures": len(root.findall(".//failure")),
  "skipped": len(root.findall(".//skipped")), "messages": [f.text for f in root.findall(".//failure")],
}))`;
  const parsed = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as ReturnType<typeof parseJUnit> & { tag: string };
  expect(parsed.tag).toBe('testsuites');
  return parsed;
}

describe('reports', () => {
  it('the console output: failures with their stage, a table, N passed, N failed', async () => {
    const [good, bad] = await reports();
    const wrong = bad!.results.find((r) => r.id === ids[2])!;
    expect(formatFailure(bad!.name, wrong)).toBe(
      [`FAIL bad & "port" canonical-encoding/${ids[2]}: stage "text" differs`, '  expected: "Zm8="', `  actual:   "Zm8=<&>\\"'\\u0001"`].join('\n'),
    );
    expect(formatFailure(bad!.name, bad!.results.find((r) => r.id === ids[3])!)).toMatch(/^FAIL .*: port fault \(crash\)\n  detail: {3}the port exited with code 3/);
    const table = formatTable([file], [good!, bad!]).split('\n');
    expect(table[0]).toMatch(/^vectors\s+scheme\s+operation\s+cases\s+good <port>\s+bad & "port"$/);
    expect(table[2]).toMatch(/^canonical-encoding\s+canonical\s+encoding\s+7\s+7\/7\s+4\/7 2 FAILED 1 unsupported$/);
    expect(table[3]).toMatch(/^total\s+7\s+7\/7\s+4\/7 2 FAILED$/);
    expect(formatTotals([good!, bad!])).toBe('11 passed, 2 failed, 1 unsupported');
  });

  it('JSON: parses, with totals and every case result', async () => {
    const rs = await reports();
    const json = JSON.parse(toJson([file], rs)) as { passed: number; failed: number; unsupported: number; vectors: unknown[]; implementations: ImplementationReport[] };
    expect({ passed: json.passed, failed: json.failed, unsupported: json.unsupported }).toEqual({ passed: 11, failed: 2, unsupported: 1 });
    expect(json.vectors).toEqual([{ name: 'canonical-encoding', scheme: 'canonical', operation: 'encoding', version: file.version, cases: 7 }]);
    expect(json.implementations.map((i) => i.results.length)).toEqual([7, 7]);
    expect(json.implementations[1]!.results.find((r) => r.id === ids[2])).toMatchObject({ status: 'fail', stage: 'text', expected: 'Zm8=' });
    expect(json.implementations[0]!.hello).toMatchObject({ protocol: 'reqsign-conformance/1', name: 'fake' });
  });

  it('JUnit XML: well formed (an independent parser reads it), with the right counts', async () => {
    const xml = parseJUnit(toJUnit([file], await reports()));
    expect(xml.root).toMatchObject({ name: 'reqsign-conformance', tests: '14', failures: '2', skipped: '1' });
    expect(xml.suites).toEqual([
      { name: 'good <port> canonical-encoding', tests: '7', failures: '0', skipped: '0' },
      { name: 'bad & "port" canonical-encoding', tests: '7', failures: '2', skipped: '1' },
    ]);
    expect([xml.testcases, xml.failures, xml.skipped]).toEqual([14, 2, 1]);
    expect(xml.messages[0]).toContain(`actual:   "Zm8=<&>\\"'\\u0001"`);
  });
});
