/**
 * What the CLI tells a person: where `keygen --out` put the files, progress while a large key is made (only on a
 * terminal), durations in words in `explain`, and help texts that list every option the parser takes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '@reqsign/cli';
import { FUZZ_OPTIONS, RUN_OPTIONS } from '@reqsign/conformance/options';
import { calendarDifference, humanDuration } from '../src/internal/duration.js';
import { COMMANDS, type CommandSpec } from '../src/internal/options.js';
import { CLI, reqsign, tempDir } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('python3');

const dir = tempDir();
afterAll(() => dir.remove());

const NOG = { NOG_KEYID: '0123456789abcdef0123', NOG_SECRETKEY: '0123456789abcdef0123456789abcdef01234567' };

/** An in-process io that records what was written, with stderr a terminal or not. */
function recorder(errorTerminal: boolean) {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: (t: string) => {
      out.stdout += t;
    },
    stderr: (t: string) => {
      out.stderr += t;
    },
    env: {},
    isErrorTerminal: () => errorTerminal,
  };
  return { out, io };
}

describe('reqsign nops keygen says where the files went', () => {
  it('--out: a line on stderr per file with its absolute path; stdout holds only the public key', () => {
    const out = join(dir.path, 'rel', 'keys');
    const r = spawnSync(process.execPath, [CLI, 'nops', 'keygen', '--bits', '1024', '--out', 'rel/keys'], {
      cwd: dir.path,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.status).toBe(0);
    const privateFile = join(out, 'nops_private_key.pem');
    const publicFile = join(out, 'nops_public_key.pem');
    expect(r.stderr).toBe(
      `reqsign nops keygen: wrote the private key to ${JSON.stringify(privateFile)} (mode 0600: keep it to yourself)\n` +
        `reqsign nops keygen: wrote the public key to ${JSON.stringify(publicFile)}; it follows, for the nOps console\n`,
    );
    expect(r.stdout).toBe(readFileSync(publicFile, 'utf8'));
    expect(statSync(privateFile).mode & 0o777).toBe(0o600);
  });

  it('--json --out: one JSON line with the absolute paths and the public key, nothing on stderr', () => {
    const out = join(dir.path, 'json');
    const r = reqsign(['nops', 'keygen', '--bits', '1024', '--out', out, '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const line = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(['bits', 'privateKeyFile', 'publicKey', 'publicKeyFile']);
    expect(line).toMatchObject({
      bits: 1024,
      privateKeyFile: join(out, 'nops_private_key.pem'),
      publicKeyFile: join(out, 'nops_public_key.pem'),
    });
    expect(line.publicKey).toBe(readFileSync(join(out, 'nops_public_key.pem'), 'utf8'));
    expect(r.stdout.split('\n')).toHaveLength(2);
  });

  it('--json without --out: both PEMs in one JSON line', () => {
    const r = reqsign(['nops', 'keygen', '--bits', '1024', '--json']);
    expect(r.status).toBe(0);
    const line = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(['bits', 'privateKey', 'publicKey']);
    expect(line.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    expect(line.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
  });
});

describe('reqsign nops keygen shows progress on a terminal only', () => {
  const PROGRESS = /\rreqsign nops keygen: generating a 1024-bit RSA key\.\.\. \d+ s/;

  it('under a pseudo-terminal (script from util-linux): the progress line, then erased before the result', () => {
    const out = join(dir.path, 'pty');
    const command = [process.execPath, CLI, 'nops', 'keygen', '--bits', '1024', '--out', out].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(PROGRESS);
    // Erased (carriage return, erase to the end of the line) before the lines that say where the files went.
    const erased = r.stdout.indexOf('\r\u001b[K');
    expect(erased).toBeGreaterThan(r.stdout.search(PROGRESS));
    expect(r.stdout.indexOf('wrote the private key')).toBeGreaterThan(erased);
  });

  it('in a pipe (not a terminal): no progress at all', () => {
    const r = reqsign(['nops', 'keygen', '--bits', '1024']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('in-process: progress only when the io says stderr is a terminal', async () => {
    const tty = recorder(true);
    expect(await main(['nops', 'keygen', '--bits', '1024'], tty.io)).toBe(0);
    expect(tty.out.stderr).toMatch(new RegExp(`^${PROGRESS.source}(${PROGRESS.source})*\\r\\u001b\\[K$`));
    const pipe = recorder(false);
    expect(await main(['nops', 'keygen', '--bits', '1024'], pipe.io)).toBe(0);
    expect(pipe.out.stderr).toBe('');
  });
});

// ---- durations ----

/** Days in a month of the proleptic Gregorian calendar, from the leap-year rule (no Date). */
const monthDays = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/** Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil): an epoch count without Date. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

interface Civil {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  /** Milliseconds into the day. */
  readonly ms: number;
}
const toMs = (c: Civil): number => daysFromCivil(c.y, c.mo, c.d) * 86_400_000 + c.ms;

/**
 * The reference, from the README's rules and nothing of the code: months by binary search over "from + n months <= to"
 * with the day clamped to the month's length; the rest split into days, hours, minutes, seconds.
 */
function reference(from: Civil, to: Civil): number[] {
  const plus = (n: number): number => {
    const total = from.y * 12 + (from.mo - 1) + n;
    const y = Math.floor(total / 12);
    const mo = total - y * 12 + 1;
    return toMs({ y, mo, d: Math.min(from.d, monthDays(y, mo)), ms: from.ms });
  };
  let lo = 0;
  let hi = (to.y - from.y + 1) * 12;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (plus(mid) <= toMs(to)) lo = mid;
    else hi = mid - 1;
  }
  const rest = Math.floor((toMs(to) - plus(lo)) / 1000);
  return [
    Math.floor(lo / 12),
    lo % 12,
    Math.floor(rest / 86_400),
    Math.floor((rest % 86_400) / 3600),
    Math.floor((rest % 3600) / 60),
    rest % 60,
  ];
}

/** Rule 4 of the README, applied to counts: the largest unit that is not zero and the next when not zero. */
function words(counts: readonly number[]): string {
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second'];
  const i = counts.findIndex((c) => c !== 0);
  if (i === -1) return '0 seconds';
  const w = (k: number) => `${counts[k]} ${names[k]}${counts[k] === 1 ? '' : 's'}`;
  return i + 1 < counts.length && counts[i + 1] !== 0 ? `${w(i)} ${w(i + 1)}` : w(i);
}

const civil: fc.Arbitrary<Civil> = fc
  .record({
    y: fc.integer({ min: 1, max: 9999 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    ms: fc.integer({ min: 0, max: 86_399_999 }),
  })
  .map((c) => ({ ...c, d: Math.min(c.d, monthDays(c.y, c.mo)) }));
/** Pairs in order, with month ends, leap days and nearby instants over-represented. */
const pairs: fc.Arbitrary<[Civil, Civil]> = fc
  .oneof(
    fc.tuple(civil, civil),
    fc.tuple(civil, fc.integer({ min: 0, max: 400 * 86_400_000 })).map(([a, span]) => {
      const t = toMs(a) + span;
      const days = Math.floor(t / 86_400_000);
      // Back to civil through Date only for the generator's convenience (the oracles never use Date).
      const d = new Date(days * 86_400_000);
      return [a, { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), ms: t - days * 86_400_000 }] as [Civil, Civil];
    }),
    fc.tuple(fc.integer({ min: 1, max: 9998 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 30 })).map(([y, mo, k]) => {
      const a = { y, mo, d: monthDays(y, mo), ms: 0 };
      const mo2 = ((mo + k) % 12) + 1;
      const y2 = y + Math.floor((mo + k) / 12);
      return [a, { y: y2, mo: mo2, d: Math.min(28 + (k % 4), monthDays(y2, mo2)), ms: 0 }] as [Civil, Civil];
    }),
  )
  .filter(([, b]) => b.y <= 9999)
  .map(([a, b]) => (toMs(a) <= toMs(b) ? [a, b] : [b, a]));

const iso = (c: Civil): string => new Date(toMs(c)).toISOString();

describe('explain durations in words', () => {
  it('matches the reference written from the rules, over the years 1 to 9999', () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const d = calendarDifference(toMs(a), toMs(b));
        const expected = reference(a, b);
        expect([d.years, d.months, d.days, d.hours, d.minutes, d.seconds]).toEqual(expected);
        expect(humanDuration(toMs(a), toMs(b))).toBe(words(expected));
      }),
      { numRuns: 2000 },
    );
  });

  const dateutil = ['python3', '/usr/bin/python3'].find(
    (p) => spawnSync(p, ['-c', 'import dateutil.relativedelta'], { stdio: 'ignore' }).status === 0,
  );
  it.runIf(dateutil !== undefined)("matches Python's dateutil.relativedelta (when a python3 has dateutil)", () => {
    const cases = fc.sample(pairs, { numRuns: 3000, seed: 30 });
    const script = `
import json, sys
from datetime import datetime, timezone
from dateutil.relativedelta import relativedelta
for a, b in json.load(sys.stdin):
    p = lambda s: datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%fZ')
    r = relativedelta(p(b), p(a))
    print(json.dumps([r.years, r.months, r.days, r.hours, r.minutes, r.seconds]))
`;
    // Python's datetime reads years 1 to 9999 written with four digits, as toISOString writes them.
    const input = JSON.stringify(cases.map(([a, b]) => [iso(a), iso(b)]));
    const out = spawnSync(dateutil!, ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(out.status, out.stderr).toBe(0);
    const theirs = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as number[]);
    expect(theirs).toHaveLength(cases.length);
    cases.forEach(([a, b], i) => {
      const d = calendarDifference(toMs(a), toMs(b));
      expect([d.years, d.months, d.days, d.hours, d.minutes, d.seconds], `${iso(a)} -> ${iso(b)}`).toEqual(theirs[i]);
      expect(humanDuration(toMs(a), toMs(b))).toBe(words(theirs[i]!));
    });
  });

  it('nog explain: an expired URL says how long ago in words, with the seconds; --json keeps the seconds', () => {
    const url =
      '/api/blobs/abc?authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600&authnonce=0123456789&authsignature=fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d';
    const now = '2026-12-06T13:00:00Z';
    // Deadline 2015-04-20T12:44:56Z; relativedelta: 11 years 7 months 16 days 15 minutes 4 seconds.
    const seconds = (Date.parse(now) - Date.parse('2015-04-20T12:44:56Z')) / 1000;
    const text = reqsign(['nog', 'explain', '--now', now, 'GET', url], NOG);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`DIAG_EXPIRED  the signature expired 11 years 7 months (${seconds} s) before the verifier's time`);
    const json = JSON.parse(reqsign(['nog', 'explain', '--json', '--now', now, 'GET', url], NOG).stdout) as {
      findings: { code: string; bySeconds: number }[];
    };
    expect(json.findings).toEqual([expect.objectContaining({ code: 'DIAG_EXPIRED', bySeconds: seconds })]);
  });

  it('nog explain: clock skew in words, and the allowed skew', () => {
    const url =
      '/api/blobs/abc?authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600&authnonce=0123456789&authsignature=fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d';
    const now = '2015-04-19T10:30:00Z';
    const r = reqsign(['nog', 'explain', '--now', now, 'GET', url], NOG);
    // 2015-04-19T10:30:00Z to the authdate 2015-04-20T12:34:56Z: 1 day 2 hours 4 minutes 56 seconds.
    const seconds = (Date.parse('2015-04-20T12:34:56Z') - Date.parse(now)) / 1000;
    expect(r.stdout).toContain(
      `DIAG_CLOCK_SKEW  the authdate is 1 day 2 hours (${seconds} s) ahead of the verifier's clock (at most 15 minutes (900 s) allowed)`,
    );
  });
});

// ---- help ----

describe('help lists every option the parser takes', () => {
  const top = reqsign(['--help']).stdout;
  /** A command's entry in the top-level help: its line and the indented lines that continue it. */
  const entry = (name: string): string => {
    const lines = top.split('\n');
    const i = lines.findIndex((l) => l.startsWith(`  ${name} `));
    if (i === -1) return '';
    let j = i + 1;
    while (j < lines.length && /^ {3,}\S/.test(lines[j]!)) j++;
    return lines.slice(i, j).join('\n');
  };
  /** The `--name` flags in a help text's Options block. */
  const listed = (help: string): string[] => {
    const block = help.slice(help.indexOf('\nOptions:\n'));
    return [...block.matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
  };

  it.each(Object.entries(COMMANDS) as [string, CommandSpec][])('%s: its help and the top-level help name each option', (name, spec) => {
    const help = reqsign([...name.split(' '), '--help']).stdout;
    const names = Object.keys(spec.options).map((o) => `--${o}`);
    expect(listed(help).sort()).toEqual([...names, '--help'].sort());
    for (const o of names) expect(entry(name), `${name} ${o}`).toContain(`${o}`);
    // Each option listed is one the command takes (no "unknown option"), and one not listed is refused.
    for (const o of names) expect(reqsign([...name.split(' '), o, 'x', '--help']).stderr, `${name} ${o}`).not.toMatch(/unknown option/);
    expect(reqsign([...name.split(' '), '--not-an-option']).stderr).toMatch(/unknown option "--not-an-option"/);
  });

  it('shows the environment default of each option that has one, in its command help and the top-level help', () => {
    const withEnv: [string, string, string][] = [];
    for (const [name, spec] of Object.entries(COMMANDS) as [string, CommandSpec][]) {
      for (const [o, s] of Object.entries(spec.options)) if (s.env !== undefined) withEnv.push([name, o, s.env]);
    }
    expect(withEnv.map(([, , env]) => env).sort()).toEqual(['NOPS_API_KEY', 'NOPS_API_KEY', 'NOPS_API_KEY', 'NOPS_PRIVATE_KEY_FILE']);
    for (const [name, o, env] of withEnv) {
      const help = reqsign([...name.split(' '), '--help']).stdout;
      expect(help).toMatch(new RegExp(`\\n  --${o} [^\\n]*\\(default: \\$${env}\\)`));
      expect(top).toMatch(new RegExp(`\\n  ${env} +[^\\n]*${name} --${o}`));
    }
    // The key pair nog reads from the environment (no option stands for it).
    for (const env of ['NOG_KEYID', 'NOG_SECRETKEY'])
      expect(top).toMatch(new RegExp(`\\n  ${env} +nog sign, nog verify \\(without --keys\\)`));
  });

  it("lists every option of reqsign conformance and of its fuzz mode, as @reqsign/conformance's parser takes them", () => {
    for (const [mode, table] of [
      ['conformance', RUN_OPTIONS],
      ['conformance fuzz', FUZZ_OPTIONS],
    ] as const) {
      const line = entry(mode);
      expect(line, mode).not.toBe('');
      for (const o of Object.keys(table)) expect(line, `${mode} --${o}`).toMatch(new RegExp(`\\[--${o}[ .\\]]`));
      const own = reqsign([...mode.split(' '), '--help']).stdout;
      expect(listed(own).sort()).toEqual([...Object.keys(table).map((o) => `--${o}`), '--help'].sort());
    }
  });
});

// README, Security notes: "Secrets come from the environment or files, never from command-line flags ... (The nOps API
// key is a flag or NOPS_API_KEY: it travels in the URL anyway.)"
describe('no secret on the command line', () => {
  it('every option that names a key, secret, password or token takes a FILE, but the nOps API key', () => {
    const keyish = /key|secret|pass|token|credential/i;
    const seen: string[] = [];
    for (const [name, spec] of Object.entries(COMMANDS) as [string, CommandSpec][]) {
      for (const [o, s] of Object.entries(spec.options)) {
        if (!keyish.test(o)) continue;
        seen.push(`${name} --${o}`);
        if (o === 'api-key' || o === 'api-key-in') continue;
        expect(s.value, `${name} --${o}`).toBe('FILE');
      }
    }
    expect(seen).toEqual(expect.arrayContaining(['nog verify --keys', 'nops sign --private-key', 'nops explain --other-key']));
  });
});
