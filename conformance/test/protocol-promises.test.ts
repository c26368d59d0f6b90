import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Port } from '../src/index.js';
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
