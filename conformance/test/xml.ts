import { SaxesParser } from 'saxes';

export interface JUnit {
  readonly root: Record<string, string>;
  readonly suites: Array<Record<string, string>>;
  readonly testcases: Array<Record<string, string>>;
  /** Each failure's message attribute and text, as a CI reporter reads them. */
  readonly failures: Array<{ message: string; text: string }>;
  readonly skipped: number;
}

/**
 * Reads JUnit XML with saxes, a strict XML 1.0 parser (it rejects characters XML does not allow, which lenient
 * parsers pass): once as the string, once as the UTF-8 bytes a file holds. Throws on anything not well-formed.
 */
export function parseJUnit(text: string): JUnit {
  const bytes = Buffer.from(text, 'utf8').toString('utf8');
  if (bytes !== text) throw new Error('the report does not survive UTF-8 (a lone surrogate)');
  const parser = new SaxesParser();
  const out: JUnit = { root: {}, suites: [], testcases: [], failures: [], skipped: 0 };
  const stack: string[] = [];
  let failure: { message: string; text: string } | undefined;
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (tag) => {
    const attrs = Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, String(v)]));
    const parent = stack.at(-1);
    stack.push(tag.name);
    if (tag.name === 'testsuites' && parent === undefined) Object.assign(out.root, attrs);
    else if (tag.name === 'testsuite' && parent === 'testsuites') out.suites.push(attrs);
    else if (tag.name === 'testcase' && parent === 'testsuite') out.testcases.push(attrs);
    else if (tag.name === 'failure' && parent === 'testcase') failure = { message: attrs['message'] ?? '', text: '' };
    else if (tag.name === 'skipped' && parent === 'testcase') out.skipped++;
    else error ??= new Error(`unexpected <${tag.name}> in <${parent}>`);
  });
  parser.on('text', (t) => {
    if (failure !== undefined) failure.text += t;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (tag.name === 'failure' && failure !== undefined) {
      out.failures.push(failure);
      failure = undefined;
    }
  });
  parser.write(text).close();
  if (error !== undefined) throw error;
  if (out.root['name'] === undefined) throw new Error('no <testsuites> root');
  return out;
}
