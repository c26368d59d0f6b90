/**
 * Time-zone names (canonical.md, "Dates" [ZoneName]): a name is a Zone or Link of the IANA tz database, compared
 * ASCII-case-insensitively, and nothing else, whatever the runtime's ICU takes. The oracle is the tz database's own
 * source, tzdata.zi (its Z and L lines), never Intl; the TypeScript reference (formatDay) and the Python reference port
 * (conformance/ports/python/reqsign_port.py, zoneinfo) are both held to it, name by name.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDay } from '../src/index.js';

const TZDATA_ZI = '/usr/share/zoneinfo/tzdata.zi';
const PYTHON_PORT_DIR = new URL('../../../conformance/ports/python/', import.meta.url).pathname;

/** Zone (`Z name ...`) and Link (`L target name`) names of tzdata.zi. `Factory` is a Zone line there, but a placeholder. */
function ianaNames(): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(TZDATA_ZI, 'utf8').split('\n')) {
    const f = line.split(/\s+/);
    if (f[0] === 'Z') names.add(f[1]!);
    else if (f[0] === 'L') names.add(f[2]!);
  }
  names.delete('Factory');
  return names;
}

/**
 * The names ICU knows (its zoneinfo64 `Names`) that IANA's database does not hold: Java-style ids, names IANA removed
 * (SystemV/* in 2020b, US/Pacific-New in 2020b, Canada/East-Saskatchewan in 2017c), its own Etc/Unknown, and what
 * a zone directory holds besides zones. Written out here, not derived from the code's pattern.
 */
const NOT_IANA = [
  ...'ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT IET IST JST MIT NET NST PLT PNT PRT PST SST VST'.split(' '),
  ...'AST4 AST4ADT CST6 CST6CDT EST5 EST5EDT HST10 MST7 MST7MDT PST8 PST8PDT YST9 YST9YDT'.split(' ').map((n) => `SystemV/${n}`),
  'US/Pacific-New',
  'Canada/East-Saskatchewan',
  'Factory',
  'Etc/Unknown',
  'localtime',
  'posixrules',
  'Asia/Riyadh87',
  'Mideast/Riyadh87',
];

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function accepts(zone: string): boolean {
  try {
    formatDay(0, zone);
    return true;
  } catch (e) {
    expect(e, zone).toMatchObject({ code: 'ERR_TIME_ZONE' });
    return false;
  }
}

/** The Python port's answers for many names, in one process: true where zone_of takes the name. */
function pythonAccepts(zones: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean[] {
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(PYTHON_PORT_DIR)})`,
    'import reqsign_port as p',
    'def ok(z):',
    '    try:',
    '        p.zone_of(z)',
    '        return True',
    '    except p.PortError as e:',
    '        assert e.code == "ERR_TIME_ZONE", e.code',
    '        return False',
    // fast-check's strings may hold lone surrogates: JSON.stringify escapes them, and Python's json reads them back.
    'print(json.dumps([ok(z) for z in json.load(sys.stdin)]))',
  ].join('\n');
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify(zones), encoding: 'utf8', timeout: 60_000, env });
  return JSON.parse(out) as boolean[];
}

describe.skipIf(!existsSync(TZDATA_ZI))('time-zone names against tzdata.zi [ZoneName]', () => {
  const iana = ianaNames();
  const ianaLower = new Set([...iana].map(asciiLower));
  const isIana = (zone: string) => ianaLower.has(asciiLower(zone));
  // Every name ICU knows or the database holds, and the names of neither that are files or placeholders.
  const names = [...new Set([...iana, ...Intl.supportedValuesOf('timeZone'), ...NOT_IANA])].sort();
  const casings = names.flatMap((n) => [n, n.toLowerCase(), n.toUpperCase()]);

  it('tzdata.zi is the whole database (backward links included)', () => {
    expect(iana.size).toBeGreaterThan(550);
    for (const n of ['Europe/Kiev', 'US/Pacific', 'EST5EDT', 'Etc/GMT-14', 'UTC']) expect(iana.has(n), n).toBe(true);
    for (const n of NOT_IANA) expect(iana.has(n), n).toBe(false);
  });

  it('formatDay takes exactly the Zone and Link names, in any case, and refuses every other name ICU knows', () => {
    const wrong = casings.filter((z) => accepts(z) !== isIana(z));
    // A name of tzdata.zi refused: the runtime's ICU is older than the machine's tzdata (a newer release added it).
    expect(wrong, `tzdata ${readFileSync(TZDATA_ZI, 'utf8').split('\n')[0]}, ICU tz ${process.versions.tz}`).toEqual([]);
    // The case the port written from the docs found: ICU's PST is America/Los_Angeles, so 1969-12-31 for 0.
    expect(() => formatDay(0, 'PST')).toThrow(expect.objectContaining({ code: 'ERR_TIME_ZONE' }));
  });

  it('the Python port takes exactly the same names', () => {
    const answers = pythonAccepts(casings);
    expect(casings.filter((z, i) => answers[i] !== isIana(z))).toEqual([]);
  });

  it('the Python port refuses them also where the zone directory holds them (an older tzdata, tzdata-legacy)', () => {
    // A zone directory as an old or legacy tzdata package lays it out: each name a TZif file of its own.
    const dir = mkdtempSync(join(tmpdir(), 'reqsign-zones-'));
    try {
      // Not Etc/Unknown (ICU's own) nor the Riyadh8x names, which IANA dropped in 2013, before any tzdata a Python
      // with zoneinfo (3.9) meets.
      const held = [...NOT_IANA.filter((n) => !/Unknown|Riyadh/.test(n)), 'America/Los_Angeles', 'US/Pacific', 'Europe/Kiev'];
      for (const n of held) {
        mkdirSync(dirname(join(dir, n)), { recursive: true });
        copyFileSync('/usr/share/zoneinfo/America/Los_Angeles', join(dir, n));
      }
      const answers = pythonAccepts(held, { ...process.env, PYTHONTZPATH: dir });
      expect(Object.fromEntries(held.map((n, i) => [n, answers[i]]))).toEqual(Object.fromEntries(held.map((n) => [n, isIana(n)])));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('property: any casing of any known name, and any text at all, is taken by TypeScript and Python alike iff tzdata.zi holds it', () => {
    const known = fc
      .tuple(fc.constantFrom(...names), fc.array(fc.boolean(), { maxLength: 40 }))
      .map(([n, up]) => [...n].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
    // Non-ASCII letters that case-fold to ASCII ones (the Kelvin sign, the long s, dotless i) name no zone.
    const lookalike = fc
      .tuple(fc.constantFrom(...names), fc.nat(), fc.constantFrom('\u212a', '\u017f', '\u0131', '\u0130'))
      .map(([n, i, c]) => n.slice(0, i % (n.length + 1)) + c + n.slice((i % (n.length + 1)) + 1));
    const seed = Date.now() ^ (Math.random() * 2 ** 31);
    const zones = fc.sample(fc.oneof(known, lookalike, fc.string({ unit: 'binary', maxLength: 30 })), { numRuns: 3000, seed });
    const python = pythonAccepts(zones);
    const wrong = zones.flatMap((z, i) => {
      const want = z !== '' && isIana(z) && /^[\x00-\x7f]*$/.test(z);
      return accepts(z) === want && python[i] === want ? [] : [{ z, want, ts: accepts(z), python: python[i] }];
    });
    expect(wrong, `fc.sample seed ${seed}`).toEqual([]);
  });
});
