import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Port, runImplementation, totals, type CaseResult } from '../src/index.js';
import { encodingFile, fake, gone } from './helpers.js';

const file = encodingFile();
const ids = file.cases.map((c) => c.id);
const third = ids[2]!;
const run = (command: string, options = {}) =>
  runImplementation({ command }, [file], { timeoutMs: 2000, startTimeoutMs: 5000, ...options });
const byId = (results: readonly CaseResult[]) => new Map(results.map((r) => [r.id, r]));

/** Every case but `id` passed: the runner restarted the port after the fault and went on. */
function othersPass(results: readonly CaseResult[], id: string): void {
  expect(results.map((r) => r.id)).toEqual(ids);
  for (const r of results) if (r.id !== id) expect(r, r.id).toMatchObject({ status: 'pass' });
}

describe('runner against bad ports', () => {
  it('a correct port passes every case', async () => {
    const report = await run(fake());
    expect(report.name).toBe('fake');
    expect(report.hello?.version).toBe('1.0.0');
    expect(totals([report])).toEqual({ passed: 7, failed: 0, unsupported: 0 });
  });

  it('a port that crashes mid-run: that case fails as a crash with its exit code and stderr, the rest still run', async () => {
    const report = await run(fake(`--crash-on=${third}`));
    const r = byId(report.results).get(third)!;
    expect(r).toMatchObject({ status: 'fail', stage: 'port:crash' });
    expect(r.detail).toContain('exited with code 3');
    expect(r.detail).toContain('boom: simulated crash');
    othersPass(report.results, third);
  });

  it('a port that hangs: the case times out, the port is killed, the rest still run', async () => {
    const pidfile = join(mkdtempSync(join(tmpdir(), 'reqsign-conf-')), 'pid');
    const report = await run(fake(`--hang-on=${third}`, `--pidfile=${pidfile}`), { timeoutMs: 300 });
    expect(byId(report.results).get(third)).toMatchObject({ status: 'fail', stage: 'port:timeout', detail: 'no answer within 300 ms' });
    othersPass(report.results, third);
    // The pid file now holds the restarted port, which the runner closed at the end; the hung one was killed.
    expect(await gone(Number(readFileSync(pidfile, 'utf8')))).toBe(true);
  });

  it('a hung port is killed, also when it ignores the closing of stdin', async () => {
    const pidfile = join(mkdtempSync(join(tmpdir(), 'reqsign-conf-')), 'pid');
    const report = await run(fake('--hang-all', `--pidfile=${pidfile}`), { timeoutMs: 200, maxConsecutiveFaults: 1 });
    expect(report.results[0]).toMatchObject({ status: 'fail', stage: 'port:timeout' });
    expect(await gone(Number(readFileSync(pidfile, 'utf8')))).toBe(true);
  });

  it('a port that writes non-JSON', async () => {
    const report = await run(fake(`--garbage-on=${third}`));
    const r = byId(report.results).get(third)!;
    expect(r).toMatchObject({ status: 'fail', stage: 'port:non-json' });
    expect(r.detail).toContain('Traceback');
    othersPass(report.results, third);
  });

  it('a port that answers the wrong id', async () => {
    const report = await run(fake(`--wrong-id-on=${third}`));
    const r = byId(report.results).get(third)!;
    expect(r).toMatchObject({ status: 'fail', stage: 'port:wrong-id' });
    expect(r.detail).toContain(`${third}-other`);
    othersPass(report.results, third);
  });

  it('a port that writes a line over the limit', async () => {
    const report = await run(fake(`--huge-on=${third}`), { maxLineLength: 1000 });
    expect(byId(report.results).get(third)).toMatchObject({ status: 'fail', stage: 'port:too-long' });
    othersPass(report.results, third);
  });

  it('a port that answers twice in one write: the case it answered twice fails, not the next one', async () => {
    const report = await run(fake(`--extra-line-on=${ids[1]}`));
    const r = byId(report.results).get(ids[1]!)!;
    expect(r).toMatchObject({ status: 'fail', stage: 'port:extra-line' });
    expect(r.detail).toContain(`answered twice: after its answer the port wrote {"type":"response","id":"${ids[1]}"`);
    othersPass(report.results, ids[1]!);
  });

  it('a second answer that arrives after the next request was sent is blamed on its own case', async () => {
    const report = await run(fake(`--twice-on=${ids[1]}`));
    expect(byId(report.results).get(ids[1]!)).toMatchObject({ status: 'fail', stage: 'port:extra-line' });
    othersPass(report.results, ids[1]!);
  });

  it('a second answer to the last case fails the last case', async () => {
    const last = ids.at(-1)!;
    const report = await run(fake(`--twice-on=${last}`));
    expect(byId(report.results).get(last)).toMatchObject({ status: 'fail', stage: 'port:extra-line' });
    othersPass(report.results, last);
    expect(totals([report])).toEqual({ passed: ids.length - 1, failed: 1, unsupported: 0 });
  });

  it('a case that already failed keeps its stage when it is also answered twice', async () => {
    const report = await run(fake(`--wrong-answer-on=${third}`, `--twice-on=${third}`));
    const r = byId(report.results).get(third)!;
    expect(r).toMatchObject({ status: 'fail', stage: 'text' });
    expect(r.detail).toContain('answered twice');
  });

  it('a second line after the hello fails the first case', async () => {
    const report = await run(fake('--extra-hello'));
    expect(report.results[0]).toMatchObject({ status: 'fail', stage: 'port:extra-line' });
    expect(report.results[0]!.detail).toContain('before the first request');
  });

  it('a port that closes its stdout and keeps running is reported as such at once, not after the timeout', async () => {
    const pidfile = join(mkdtempSync(join(tmpdir(), 'reqsign-conf-')), 'pid');
    const report = await run(fake(`--close-stdout-on=${third}`, `--pidfile=${pidfile}`), { timeoutMs: 120_000 });
    expect(byId(report.results).get(third)).toMatchObject({
      status: 'fail',
      stage: 'port:stdout-closed',
      detail: 'the port closed its stdout but is still running',
    });
    othersPass(report.results, third);
    expect(await gone(Number(readFileSync(pidfile, 'utf8')))).toBe(true);
  });

  it('a port that exits while a process it started holds its stdout is reported as exited at once; that process is killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reqsign-conf-'));
    const report = await run(fake(`--fork-exit-on=${third}`, `--childpidfile=${join(dir, 'child')}`), { timeoutMs: 120_000 });
    const r = byId(report.results).get(third)!;
    expect(r).toMatchObject({ status: 'fail', stage: 'port:crash' });
    expect(r.detail).toBe('the port exited with code 0, and a process it started still holds its stdout');
    othersPass(report.results, third);
    expect(await gone(Number(readFileSync(join(dir, 'child'), 'utf8')))).toBe(true);
  });

  it.runIf(process.platform === 'linux')(
    "a process that left the port's process group (setsid) but holds its stdout is killed after the run",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'reqsign-conf-'));
      const report = await run(fake('--setsid-child', `--childpidfile=${join(dir, 'child')}`));
      expect(totals([report])).toEqual({ passed: ids.length, failed: 0, unsupported: 0 });
      expect(await gone(Number(readFileSync(join(dir, 'child'), 'utf8')))).toBe(true);
    },
  );

  it('strict: unsupported cases are failures at stage "unsupported", and the report says strict', async () => {
    const report = await run(fake(`--unsupported-on=${third}`), { strict: true });
    expect(report.strict).toBe(true);
    expect(byId(report.results).get(third)).toMatchObject({
      status: 'fail',
      stage: 'unsupported',
      detail: 'the port answered unsupported (strict: counted as a failure)',
    });
    expect(totals([report])).toEqual({ passed: ids.length - 1, failed: 1, unsupported: 0 });
    const other = { ...file, operation: 'query' };
    const unlisted = await runImplementation({ command: fake() }, [other], { strict: true });
    expect(
      unlisted.results.every(
        (c) => c.status === 'fail' && c.stage === 'unsupported' && c.detail?.startsWith('the hello does not list canonical query'),
      ),
    ).toBe(true);
  });

  it('a response with both an output and an error is not a response', async () => {
    const report = await run(fake(`--both-on=${third}`));
    expect(byId(report.results).get(third)).toMatchObject({ status: 'fail', stage: 'port:bad-message' });
    othersPass(report.results, third);
  });

  it('a wrong answer fails with the first differing stage, expected and actual', async () => {
    const report = await run(fake(`--wrong-answer-on=${third}`));
    const r = byId(report.results).get(third)!;
    expect(r).toMatchObject({ status: 'fail', stage: 'text', expected: 'Zm8=' });
    expect(r.actual).toBe('Zm8=<&>"\'\u0001');
    othersPass(report.results, third);
  });

  it('an unsupported answer is counted apart, not as a failure', async () => {
    const report = await run(fake(`--unsupported-on=${third}`));
    expect(byId(report.results).get(third)).toMatchObject({ status: 'unsupported' });
    expect(totals([report])).toEqual({ passed: 6, failed: 0, unsupported: 1 });
  });

  it('a port that never says hello fails every case as a start fault, once', async () => {
    const report = await run(fake('--no-hello'), { startTimeoutMs: 300 });
    expect(report.results).toHaveLength(7);
    for (const r of report.results) expect(r).toMatchObject({ status: 'fail', stage: 'port:start' });
    expect(report.results[0]!.detail).toContain('no hello');
  });

  it('a first line that is not JSON, or not a hello of this protocol', async () => {
    const garbage = await run(fake('--garbage-hello'));
    expect(garbage.results[0]).toMatchObject({ status: 'fail', stage: 'port:non-json' });
    const bad = await run(fake('--bad-hello'));
    expect(bad.results[0]).toMatchObject({ status: 'fail', stage: 'port:bad-message' });
    expect(bad.results[0]!.detail).toContain('protocol is not "reqsign-conformance/1"');
  });

  it('a command that does not exist fails as a crash with the shell message', async () => {
    const report = await run('reqsign-no-such-port-command --x');
    expect(report.results).toHaveLength(7);
    for (const r of report.results) expect(r).toMatchObject({ status: 'fail', stage: 'port:crash' });
    expect(report.results[0]!.detail).toMatch(/exited with code 127/);
  });

  it('a port that hangs on everything costs a few timeouts, then the file is skipped', async () => {
    const report = await run(fake('--hang-all'), { timeoutMs: 200, maxConsecutiveFaults: 2 });
    expect(report.results.map((r) => r.stage)).toEqual(['port:timeout', 'port:timeout', ...Array(5).fill('port:skipped')]);
  });

  it('the filter selects cases by id', async () => {
    const report = await run(fake(), { filter: third });
    expect(report.results.map((r) => r.id)).toEqual([third]);
  });
});

describe('Port', () => {
  it('answers requests in order and closes', async () => {
    const s = await Port.start({ command: fake(), timeoutMs: 2000 });
    if (!('port' in s)) throw new Error(s.detail);
    const reply = await s.port.request({
      type: 'request',
      id: 'a',
      scheme: 'canonical',
      operation: 'encoding',
      input: { encoding: 'base64', hex: '666f6f' },
    });
    expect(reply).toEqual({ kind: 'response', response: { type: 'response', id: 'a', output: { text: 'Zm9v' } } });
    await s.port.close();
    expect(s.port.alive).toBe(false);
    expect(await s.port.request({ type: 'request', id: 'b', scheme: 'canonical', operation: 'encoding', input: {} })).toMatchObject({
      kind: 'fault',
      fault: 'crash',
    });
  });
});
