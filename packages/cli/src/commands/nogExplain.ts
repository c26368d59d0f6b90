import type { NogAuthErrorCode } from '@reqsign/nog';
import { commandHelp, NOG_EXPLAIN, parserOptions } from '../internal/options.js';
import { diagnose, type NogDiagnosis } from '@reqsign/nog/diagnose';
import { listOption, parse, positionals, stringOption, urlArgument } from '../internal/args.js';
import { parseIsoDateTime } from '../internal/dates.js';
import { EXIT_INVALID, EXIT_OK, type CliIo } from '../internal/io.js';
import { secondsInWords } from '../internal/duration.js';
import { renderFields, renderFindings, renderStages } from '../internal/stages.js';
import { loadKeys } from './nogVerify.js';

/**
 * What remains possible when nothing verified, never a cause: none when the diagnosis gave its reason (the right HMAC
 * over a field the verifier refuses, a signature of no HMAC-SHA256's length, an unknown key), and a change beyond the
 * work budget first when the budget ran out.
 */
function unproven(u: { readonly exhausted: boolean; readonly reason: string | null } | null): string {
  if (u === null || u.reason !== null) return '';
  const beyond = u.exhausted ? 'a change it models but did not reach within its budget, ' : '';
  return `; possible, not proven: ${beyond}another secret, or a change the diagnosis does not model (try --expected-url)`;
}

export const NOG_EXPLAIN_HELP: string = commandHelp(
  'nog explain',
  NOG_EXPLAIN,
  `
Explains why a nog-v1 signed URL verifies or not, for whoever holds the secret: the parameters, the target and
string to sign the server computes beside what the client signed (the first differing character marked), the
expected signature beside the one carried, and each cause that is proven: one is named only with its witness, the
secret, string to sign, encoding, method and time under which the carried signature verifies (a wrong secret, a key
id typo, the host signed, another method, the string to sign framed otherwise, the signature's encoding, a proxy's
change to the target, clock skew, expiry, a replay); else it says unexplained, with what was tried. It prints the
expected signature: keep its output to yourself. A URL given as - is read from standard input (one line).

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable keys (as nog verify).
`,
);

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * A finding's message with its durations in words beside the seconds (src/internal/duration.ts has the rules):
 * "expired 11 years 7 months (367028708 s) before". `--json` keeps the library's numbers, in seconds.
 */
function readable(f: NogDiagnosis['findings'][number], nowMs: number): string {
  if (f.code === 'DIAG_EXPIRED') {
    return f.message.replace(`expired ${f.bySeconds} s `, `expired ${secondsInWords(f.bySeconds, f.expiresAt.getTime())} `);
  }
  if (f.code === 'DIAG_CLOCK_SKEW') {
    return f.message
      .replace(`is ${f.offsetSeconds} s ahead`, `is ${secondsInWords(f.offsetSeconds, nowMs)} ahead`)
      .replace(`at most ${f.maxClockSkew} s allowed`, `at most ${secondsInWords(f.maxClockSkew, nowMs)} allowed`);
  }
  return f.message;
}

/** The diagnosis as text: see NOG_EXPLAIN_HELP. */
export function renderNog(d: NogDiagnosis): string {
  const r = d.request;
  const head = d.valid ? 'valid' : `invalid: ${d.code} (${d.message})`;
  const params = r.parameters.map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`)).join('  ');
  const sections = [
    `reqsign nog explain: ${head}`,
    '',
    'request',
    renderFields([
      ['method', r.method],
      ['url', r.url],
      ['key id', r.keyId],
      ['authdate', iso(r.authdate)],
      ['expires at', iso(r.expiresAt)],
      ['now', iso(r.now)],
      ['parameters', params === '' ? null : params],
    ]),
  ];
  if (d.stages.length > 0) sections.push('', 'stages', renderStages(d.stages));
  const u = d.unexplained;
  const none = d.valid
    ? 'none: the request verifies'
    : `unexplained: no hypothesis verifies the request (${u?.hmacs ?? 0} tried${u?.exhausted ? ', the work budget spent' : ''}${u?.reason ? `; ${u.reason}` : ''})${unproven(u)}`;
  const nowMs = r.now.getTime();
  const findings = d.findings.map((f) => ({ code: f.code, message: readable(f, nowMs) }));
  sections.push('', 'findings', renderFindings(findings, none), '');
  if (d.witness !== null) {
    const w = d.witness;
    const secret = w.secretName === null ? `the secret of ${w.keyId}` : `the secret of ${w.secretName}`;
    sections.splice(
      sections.length - 1,
      0,
      '',
      'witness',
      renderFields([
        ['secret', secret],
        ['method', w.method],
        ['string to sign', JSON.stringify(w.stringToSign)],
        ['encoding', w.encoding],
        ['verified at', w.verifiedAt.toISOString()],
      ]),
    );
  }
  return sections.join('\n');
}

export async function nogExplain(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, parserOptions(NOG_EXPLAIN));
  if (args.values.help === true) {
    io.stdout(NOG_EXPLAIN_HELP);
    return EXIT_OK;
  }
  const nowText = stringOption(args, 'now');
  const now = nowText === undefined ? undefined : parseIsoDateTime(nowText, '--now').getTime();
  // diagnose checks the code (a code it does not know is ERR_INVALID_ARGUMENT, exit 2).
  const failure = stringOption(args, 'failure') as NogAuthErrorCode | undefined;
  const [method, urlText] = positionals(args, ['METHOD', 'URL']) as [string, string];
  const keys = new Map(Object.entries(loadKeys(stringOption(args, 'keys'), io.env)));
  const expectedUrl = stringOption(args, 'expected-url');
  const url = await urlArgument(urlText, io);
  const d = await diagnose(method, url, {
    keys,
    ...(now === undefined ? {} : { now: () => now }),
    ...(expectedUrl === undefined ? {} : { expectedUrl }),
    ...(failure === undefined ? {} : { failure: { code: failure } }),
    prefixes: listOption(args, 'prefix'),
    origins: listOption(args, 'origin'),
  });
  io.stdout(args.values.json === true ? `${JSON.stringify(d)}\n` : renderNog(d));
  return d.valid ? EXIT_OK : EXIT_INVALID;
}
