import { sign, type ApiKeyIn, type PublicKeyInput } from '@reqsign/nops';
import { DIAGNOSES, diagnose, type NopsDiagnosis } from '@reqsign/nops/diagnose';
import { control, el, list, onSubmit, raw, show, value } from './dom.js';
import { fieldsTable, findingsList, stagesTable, verdict } from './render.js';
import { instant } from './time.js';

/**
 * A key as pasted, not trimmed: the library reads PEM text and a JWK's JSON text by its own rule (whitespace around
 * a PEM block is space, tab, CR and LF only), so the page answers what the library answers for the same text.
 */
const keyInput = (id: string): PublicKeyInput => raw(id);

/** An instant (with a `T`: its day is taken in the time zone), else a day, as given (the library checks it). */
const dateInput = (text: string): string | Date => (text.includes('T') ? new Date(instant(text, 'Day')) : text);

export function renderNops(d: NopsDiagnosis): HTMLElement[] {
  const r = d.request;
  const none = d.valid
    ? 'Nothing to diagnose: the signature verifies.'
    : `Unexplained: no hypothesis verifies the signature${d.unexplained === null ? '' : ` (${d.unexplained.digests} messages tried${d.unexplained.exhausted ? ', the work budget spent' : ''})`}.${d.unexplained !== null && d.unexplained.possibilities.length > 0 ? ` Possible, not proven: ${d.unexplained.possibilities.join('; ')}.` : ''}`;
  // The answer first: the verdict and the proven causes, then the tables.
  const out: HTMLElement[] = [
    verdict(d.valid, d.code, d.message),
    findingsList(d.findings, DIAGNOSES, none, d.unexplained?.reason ?? null),
    fieldsTable('Request', [
      ['client id', r.clientId],
      ['day', r.day],
      ['time zone', r.timeZone],
      ['api key in', r.apiKeyIn],
    ]),
    fieldsTable(
      'Parameters',
      r.parameters.map((p) => [p.name, p.value] as const),
    ),
  ];
  if (d.stages.length > 0) out.push(stagesTable(d.stages));
  if (d.witness !== null) {
    const w = d.witness;
    out.push(
      fieldsTable('Witness: the signature verifies with', [
        ['key', w.keyName ?? 'this public key'],
        ['padding', w.padding],
        ['digest', w.hash],
        ['encoding', w.encoding],
        ['message', w.message],
      ]),
    );
  }
  return out;
}

export function setUpNops(): void {
  onSubmit('nops-verify', 'nops-result', async () => {
    const timeZone = value('nops-tz');
    const expectedUrl = value('nops-expected');
    const other = raw('nops-otherkey');
    const d = await diagnose(
      {
        url: value('nops-url'),
        apiKey: value('nops-apikey'),
        date: dateInput(value('nops-date')),
        apiKeyIn: value('nops-apikeyin') as ApiKeyIn,
        ...(timeZone === '' ? {} : { timeZone }),
      },
      raw('nops-signature'),
      keyInput('nops-publickey'),
      {
        prefixes: list('nops-prefixes'),
        origins: list('nops-origins'),
        ...(other.trim() === '' ? {} : { otherKeys: { 'the other key': other } }),
        ...(expectedUrl === '' ? {} : { expectedUrl }),
      },
    );
    show('nops-result', ...renderNops(d));
  });

  onSubmit('nops-sign', 'nops-signed', async () => {
    const timeZone = value('nopss-tz');
    const dateText = value('nopss-date');
    const r = await sign(value('nopss-url'), {
      apiKey: value('nopss-apikey'),
      privateKey: keyInput('nopss-privatekey'),
      apiKeyIn: value('nopss-apikeyin') as ApiKeyIn,
      ...(dateText === '' ? {} : { date: dateInput(dateText) }),
      ...(timeZone === '' ? {} : { timeZone }),
    });
    const use = el('button', { type: 'button', id: 'nopss-use' }, 'Diagnose this request');
    use.addEventListener('click', () => {
      control('nops-url').value = r.url;
      control('nops-apikey').value = value('nopss-apikey');
      control('nops-date').value = r.message.split('.')[1]!;
      control('nops-tz').value = '';
      control('nops-apikeyin').value = value('nopss-apikeyin');
      control('nops-signature').value = r.signature;
    });
    show(
      'nops-signed',
      fieldsTable('Signed', [
        ['URL', r.url],
        ['message', r.message],
        ['x-nops-signature', r.signature],
        ...Object.entries(r.headers)
          .filter(([name]) => name !== 'x-nops-signature')
          .map(([name, v]) => [name, v] as const),
      ]),
      use,
    );
  });
}
