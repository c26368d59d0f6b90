import { commandHelp, NOPS_EXPLAIN, parserOptions } from '../internal/options.js';
import { basename } from 'node:path';
import { diagnose, type NopsDiagnosis } from '@reqsign/nops/diagnose';
import { choiceOption, listOption, parse, positionals, stringOption, urlArgument } from '../internal/args.js';
import { checkDay, parseIsoDateTime } from '../internal/dates.js';
import { readKeyFile } from '../internal/files.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from '../internal/io.js';
import { renderFields, renderFindings, renderStages } from '../internal/stages.js';
import { required } from './nopsVerify.js';

export const NOPS_EXPLAIN_HELP: string = commandHelp(
  'nops explain',
  NOPS_EXPLAIN,
  `
Explains why an nOps signature verifies or not: the parameters, the target and message the server builds beside
what the client signed (the first differing character marked), the SHA-256 of the message beside the digest the
signature holds, and each cause that is proven: one is named only with its witness, the key, padding, digest,
encoding and message under which the signature verifies (another key given with --other-key, PSS, the signature's
encoding, the day in another time zone, format or days before, a trailing newline, the client id, the api_key in
the other placement, a missing trailing slash, a proxy's change to the target); else it says unexplained, with what
was tried. A URL given as - is read from standard input (one line).

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable key (as nops verify).
`,
);

/** The diagnosis as text: see NOPS_EXPLAIN_HELP. */
export function renderNops(d: NopsDiagnosis): string {
  const r = d.request;
  const head = d.valid ? 'valid' : `invalid: ${d.code} (${d.message})`;
  const params = r.parameters.map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`)).join('  ');
  const sections = [
    `reqsign nops explain: ${head}`,
    '',
    'request',
    renderFields([
      ['url', r.url],
      ['client id', r.clientId],
      ['day', r.day],
      ['time zone', r.timeZone],
      ['api key in', r.apiKeyIn],
      ['parameters', params === '' ? null : params],
    ]),
  ];
  if (d.stages.length > 0) sections.push('', 'stages', renderStages(d.stages));
  const u = d.unexplained;
  const none = d.valid
    ? 'none: the signature verifies'
    : `unexplained: no hypothesis verifies the signature (${u?.digests ?? 0} messages tried${u?.exhausted ? ', the work budget spent' : ''}${u?.reason ? `; ${u.reason}` : ''}${u !== null && u.possibilities.length > 0 ? `; possible, not proven: ${u.possibilities.join('; ')}` : ''}) (try --expected-url or --other-key)`;
  sections.push('', 'findings', renderFindings(d.findings, none), '');
  if (d.witness !== null) {
    const w = d.witness;
    sections.splice(
      sections.length - 1,
      0,
      '',
      'witness',
      renderFields([
        ['key', w.keyName ?? 'this public key'],
        ['padding', w.padding],
        ['digest', w.hash],
        ['encoding', w.encoding],
        ['message', JSON.stringify(w.message)],
      ]),
    );
  }
  return sections.join('\n');
}

export async function nopsExplain(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv, parserOptions(NOPS_EXPLAIN));
  if (args.values.help === true) {
    io.stdout(NOPS_EXPLAIN_HELP);
    return EXIT_OK;
  }
  const [urlText] = positionals(args, ['URL']) as [string];
  const keyFile = required(stringOption(args, 'public-key'), '--public-key FILE');
  const apiKey = required(stringOption(args, 'api-key') ?? io.env.NOPS_API_KEY, '--api-key KEY');
  const dateText = required(stringOption(args, 'date'), '--date DAY|ISO-8601');
  const timeZone = stringOption(args, 'time-zone');
  const isDay = /^\d{4}-\d{2}-\d{2}$/.test(dateText);
  if (isDay && timeZone !== undefined) throw new UsageError('--time-zone applies to an instant, not to a YYYY-MM-DD --date');
  const date = isDay ? checkDay(dateText, '--date') : parseIsoDateTime(dateText, '--date');
  const signature = required(stringOption(args, 'signature'), '--signature B64');
  const apiKeyIn = choiceOption(args, 'api-key-in', ['query', 'header'] as const);
  const publicKey = readKeyFile(keyFile, 'public key file') as Parameters<typeof diagnose>[2];
  const otherKeys = Object.fromEntries(
    listOption(args, 'other-key').map((file) => [basename(file), readKeyFile(file, 'other key file') as Parameters<typeof diagnose>[2]]),
  );
  const expectedUrl = stringOption(args, 'expected-url');
  const url = await urlArgument(urlText, io);
  const d = await diagnose(
    { url, apiKey, date, ...(timeZone === undefined ? {} : { timeZone }), ...(apiKeyIn === undefined ? {} : { apiKeyIn }) },
    signature,
    publicKey,
    {
      otherKeys,
      prefixes: listOption(args, 'prefix'),
      origins: listOption(args, 'origin'),
      ...(expectedUrl === undefined ? {} : { expectedUrl }),
    },
  );
  io.stdout(args.values.json === true ? `${JSON.stringify(d)}\n` : renderNops(d));
  return d.valid ? EXIT_OK : EXIT_INVALID;
}
