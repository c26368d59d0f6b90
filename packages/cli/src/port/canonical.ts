import {
  appendQuery,
  formatDateTime,
  formatDay,
  fromBase64,
  fromHex,
  hasQuery,
  parseDateTime,
  parseDay,
  parseQuery,
  parseReceivedTarget,
  parseRequestTarget,
  toBase64,
  toHex,
} from '@reqsign/canonical';
import { field, optional, type Handlers } from '@reqsign/conformance/portable';

/** The canonicalization operations of @reqsign/canonical, as the vectors describe them. */
export const canonicalHandlers: Handlers = {
  target(input) {
    const maxLength = optional(input, 'maxLength', 'number');
    const parse = optional(input, 'received', 'boolean') === true ? parseReceivedTarget : parseRequestTarget;
    const t = parse(field(input, 'url', 'string'), maxLength === undefined ? undefined : { maxLength });
    return { form: t.form, origin: t.origin, target: t.target, path: t.path, query: t.query, fragment: t.fragment };
  },
  query(input) {
    const target = field(input, 'target', 'string');
    const append = optional(input, 'append', 'string');
    const q = target.indexOf('?');
    const params = q === -1 ? [] : parseQuery(target.slice(q + 1), { decode: optional(input, 'decode', 'boolean') ?? false });
    return {
      hasQuery: hasQuery(target),
      params: params.map((p) => [p.name, p.value]),
      ...(append === undefined ? {} : { appended: appendQuery(target, append) }),
    };
  },
  date(input) {
    const kind = field(input, 'kind', 'string');
    const text = optional(input, 'text', 'string');
    if (text !== undefined) {
      const d = kind === 'day' ? parseDay(text) : parseDateTime(text);
      return { epochMs: d.getTime() };
    }
    const epochMs = field(input, 'epochMs', 'number');
    return { text: kind === 'day' ? formatDay(epochMs, optional(input, 'timeZone', 'string')) : formatDateTime(epochMs) };
  },
  encoding(input) {
    const encoding = field(input, 'encoding', 'string');
    const hex = optional(input, 'hex', 'string');
    if (hex !== undefined) {
      const bytes = fromHex(hex);
      return { text: encoding === 'base64' ? toBase64(bytes) : toHex(bytes) };
    }
    const text = field(input, 'text', 'string');
    return { hex: toHex(encoding === 'base64' ? fromBase64(text) : fromHex(text)) };
  },
};
