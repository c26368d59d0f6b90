import { parseDateTime } from '@reqsign/canonical';
import { sign, type NogAuthErrorCode } from '@reqsign/nog';
import { DIAGNOSES, diagnose, type NogDiagnosis } from '@reqsign/nog/diagnose';
import { control, el, list, onSubmit, show, value } from './dom.js';
import { fieldsTable, findingsList, stagesTable, verdict } from './render.js';
import { instant } from './time.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** `name=secret` pairs, separated by commas: other keys (by key id) and secrets to try (rotated, another key's). */
function namedSecrets(id: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of control(id)
    .value.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new RangeError('Other keys and secrets: name=secret pairs, separated by commas');
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

/** The key id the URL carries (the secret field belongs to it). */
function keyIdOf(url: string): string {
  const m = /[?&]authkeyid=([^&#]*)/.exec(url);
  return m === null ? '' : m[1]!;
}

/**
 * What remains possible when nothing verified, never a cause: nothing when the diagnosis has its reason (shown beside
 * it: the right HMAC over a field the verifier refuses, a signature that is no HMAC-SHA256), and a change beyond the
 * work budget first when the budget ran out.
 */
function unproven(u: NogDiagnosis['unexplained']): string {
  if (u === null || u.reason !== null) return '';
  const beyond = u.exhausted ? 'a change this page models but did not reach within its budget, ' : '';
  return ` Possible, not proven: ${beyond}another secret, or a change this page does not model; give the client\u2019s URL to compare.`;
}

export function renderNog(d: NogDiagnosis): HTMLElement[] {
  const r = d.request;
  const none = d.valid
    ? 'Nothing to diagnose: the request verifies.'
    : `Unexplained: no hypothesis verifies the request${d.unexplained === null ? '' : ` (${d.unexplained.hmacs} tried${d.unexplained.exhausted ? ', the work budget spent' : ''})`}.${unproven(d.unexplained)}`;
  // The answer first: the verdict and the proven causes (each with its witness), then the tables.
  const out: HTMLElement[] = [
    verdict(d.valid, d.code, d.message),
    findingsList(d.findings, DIAGNOSES, none, d.unexplained?.reason ?? null),
    fieldsTable('Request', [
      ['method', r.method],
      ['key id', r.keyId],
      ['authdate', iso(r.authdate)],
      ['expires at', iso(r.expiresAt)],
      ['verifier time', iso(r.now)],
    ]),
    fieldsTable(
      'Parameters',
      r.parameters.map((p) => [p.name, p.value, p.auth ? 'auth parameter' : undefined] as const),
    ),
  ];
  if (d.stages.length > 0) out.push(stagesTable(d.stages));
  if (d.witness !== null) {
    const w = d.witness;
    out.push(
      fieldsTable('Witness: the request verifies with', [
        ['key id', w.keyId],
        ['secret', w.secretName === null ? `this verifier's secret for ${w.keyId}` : w.secretName],
        ['method', w.method],
        ['string to sign', w.stringToSign],
        ['encoding', w.encoding],
        ['at', w.verifiedAt.toISOString()],
      ]),
    );
  }
  return out;
}

export function setUpNog(): void {
  onSubmit('nog-verify', 'nog-result', async () => {
    const url = value('nog-url');
    const secret = control('nog-secret').value;
    const keyId = keyIdOf(url);
    const failure = value('nog-failure') as NogAuthErrorCode | '';
    const now = instant(value('nog-now'), 'Verifier time');
    const expectedUrl = value('nog-expected');
    // Other keys by key id (a key id close to the URL's is then tried as a typo), the URL's own key last.
    const others = Object.fromEntries(namedSecrets('nog-others'));
    const d = await diagnose(value('nog-method'), url, {
      keys: secret === '' ? others : { ...others, [keyId]: secret },
      now: () => now,
      prefixes: list('nog-prefixes'),
      origins: list('nog-origins'),
      ...(expectedUrl === '' ? {} : { expectedUrl }),
      ...(failure === '' ? {} : { failure: { code: failure } }),
    });
    show('nog-result', ...renderNog(d));
  });

  onSubmit('nog-sign', 'nog-signed', async () => {
    // The authdate exactly as it goes into the URL (YYYY-MM-DDTHHMMSSZ), checked as a signer checks it; empty: now.
    const dateText = value('nogs-date');
    const date = dateText === '' ? Date.now() : parseDateTime(dateText).getTime();
    const nonce = value('nogs-nonce');
    const expires = value('nogs-expires');
    const r = await sign(value('nogs-method'), value('nogs-url'), { id: value('nogs-keyid'), secret: control('nogs-secret').value }, {
      date,
      ...(expires === '' ? {} : { expires: Number(expires) }),
      nonce: nonce === '-' ? false : nonce === '' ? undefined : nonce,
    } as Parameters<typeof sign>[3]);
    const use = el('button', { type: 'button', id: 'nogs-use' }, 'Diagnose this request');
    use.addEventListener('click', () => {
      control('nog-method').value = value('nogs-method');
      control('nog-url').value = r.url;
      control('nog-secret').value = control('nogs-secret').value;
      control('nog-now').value = new Date(date).toISOString();
    });
    show(
      'nog-signed',
      fieldsTable('Signed', [
        ['signed URL', r.url],
        ['string to sign', r.stringToSign],
        ['signature', r.signature],
        ['authdate', r.authdate],
        ['nonce', r.nonce],
      ]),
      use,
    );
  });
}
