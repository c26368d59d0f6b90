import type { NogAuthErrorCode } from '@reqsign/nog';
import { diagnose, type NogDiagnosis } from '@reqsign/nog/diagnose';
import { listOption, parse, positionals, stringOption } from '../internal/args.js';
import { parseIsoDateTime } from '../internal/dates.js';
import { EXIT_INVALID, EXIT_OK, type CliIo } from '../internal/io.js';
import { renderFields, renderFindings, renderStages } from '../internal/stages.js';
import { loadKeys } from './nogVerify.js';

export const NOG_EXPLAIN_HELP = `Usage: reqsign nog explain [--now ISO-8601] [--keys FILE] [--expected-url URL] [--prefix PATH]...
                          [--origin ORIGIN]... [--failure CODE] [--json] METHOD URL

Explains why a nog-v1 signed URL verifies or not, for whoever holds the secret: the parameters, the target and
string to sign the server computes beside what the client signed (the first differing character marked), the
expected signature beside the one carried, and each cause that is proven: one is named only with its witness, the
secret, string to sign, encoding, method and time under which the carried signature verifies (a wrong secret, a key
id typo, the host signed, another method, the string to sign framed otherwise, the signature's encoding, a proxy's
change to the target, clock skew, expiry, a replay); else it says unexplained, with what was tried. It prints the
expected signature: keep its output to yourself.

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable keys (as nog verify).

Options:
  --now ISO-8601      the time to verify at (default: now)
  --keys FILE         the keys, a JSON object {"<keyid>": "<secret>"} (default: NOG_KEYID / NOG_SECRETKEY);
                      every other key's secret is tried too
  --expected-url URL  what the client believes it signed: its signed URL, or the URL it gave its signer
  --prefix PATH       a path prefix a router may have stripped (repeatable), e.g. --prefix /api
  --origin ORIGIN     scheme://host the client may have signed with the path (repeatable)
  --failure CODE      the code the server answered, from its log (ERR_AUTH_NONCE_INVALID: tells a replay, which a
                      one-shot run cannot see)
  --json              the whole diagnosis as one JSON object
  -h, --help          this text
`;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

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
    : `unexplained: no hypothesis verifies the request (${u?.hmacs ?? 0} tried${u?.exhausted ? ', the work budget spent' : ''}${u?.reason ? `; ${u.reason}` : ''}): another secret, or a change the diagnosis does not model (try --expected-url)`;
  sections.push('', 'findings', renderFindings(d.findings, none), '');
  if (d.witness !== null) {
    const w = d.witness;
    const secret = w.secretName === null ? `the secret of ${w.keyId}` : `the secret of ${w.secretName}`;
    sections.splice(
      sections.length - 1,
      0,
      'witness',
      renderFields([
        ['secret', secret],
        ['method', w.method],
        ['string to sign', JSON.stringify(w.stringToSign)],
        ['encoding', w.encoding],
        ['verified at', w.verifiedAt.toISOString()],
      ]),
      '',
    );
  }
  return sections.join('\n');
}

export async function nogExplain(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, {
    now: { type: 'string' },
    keys: { type: 'string' },
    'expected-url': { type: 'string' },
    prefix: { type: 'string', multiple: true },
    origin: { type: 'string', multiple: true },
    failure: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (args.values.help === true) {
    io.stdout(NOG_EXPLAIN_HELP);
    return EXIT_OK;
  }
  const nowText = stringOption(args, 'now');
  const now = nowText === undefined ? undefined : parseIsoDateTime(nowText, '--now').getTime();
  // diagnose checks the code (a code it does not know is ERR_INVALID_ARGUMENT, exit 2).
  const failure = stringOption(args, 'failure') as NogAuthErrorCode | undefined;
  const [method, url] = positionals(args, ['METHOD', 'URL']) as [string, string];
  const keys = new Map(Object.entries(loadKeys(stringOption(args, 'keys'), io.env)));
  const expectedUrl = stringOption(args, 'expected-url');
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
