import { CanonicalError, assertString } from './errors.js';

// Tables built by pure expressions, so that a bundler drops each one with the functions that use it (a bundle
// that only hex-encodes carries no base64 decoder table).
const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = /* @__PURE__ */ ((): Int16Array => {
  const index = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) index[B64.charCodeAt(i)] = i;
  return index;
})();

const encoder = /* @__PURE__ */ new TextEncoder();

/** The UTF-8 bytes of a string. Lone surrogates become U+FFFD, as in every WHATWG encoder. */
export function utf8(text: string): Uint8Array {
  assertString(text, 'text');
  return encoder.encode(text);
}

function assertBytes(bytes: unknown, name: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new CanonicalError('ERR_INVALID_ARGUMENT', `${name} must be a Uint8Array`);
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** Bytes from hex (either case, even length); anything else throws `ERR_HEX`. */
export function fromHex(hex: string): Uint8Array {
  assertString(hex, 'hex');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new CanonicalError('ERR_HEX', 'hex must be an even number of hexadecimal digits');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Standard base64 (RFC 4648 section 4: `+/`, `=` padding), no line breaks. */
export function toBase64(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${B64[n >> 18]! + B64[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]!}=`;
  }
  return out;
}

/**
 * Bytes from strict standard base64: padded to a multiple of 4, only `A-Za-z0-9+/`, no whitespace, and no stray
 * bits in the last character (so each byte string has exactly one encoding). Anything else throws `ERR_BASE64`.
 */
export function fromBase64(text: string): Uint8Array {
  assertString(text, 'text');
  const fail = (): never => {
    throw new CanonicalError('ERR_BASE64', 'Not strict, padded standard base64');
  };
  if (text.length % 4 !== 0) fail();
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const pos = i + j;
      const c = text.charCodeAt(pos);
      let v: number;
      if (c === 0x3d /* = */ && pos >= text.length - pad) v = 0;
      else v = c < 128 ? B64_INDEX[c]! : -1;
      if (v < 0) fail();
      n = (n << 6) | v;
    }
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
    if (i + 4 === text.length && ((pad === 1 && (n & 0xff) !== 0) || (pad === 2 && (n & 0xffff) !== 0))) fail();
  }
  return out;
}

/** base64url (RFC 4648 section 5: `-_`), without padding, as JOSE and most header schemes write it. */
export function toBase64Url(bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 0x3d /* = */) end--;
  return b64.slice(0, end).replace(/[+/]/g, (c) => (c === '+' ? '-' : '_'));
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Bytes from strict, unpadded base64url: only `A-Za-z0-9-_`, no `=`, no whitespace, a length that is not 1 more than
 * a multiple of 4, and no stray bits in the last character (so each byte string has exactly one encoding). Anything
 * else throws `ERR_BASE64`.
 */
export function fromBase64Url(text: string): Uint8Array {
  assertString(text, 'text');
  if (!B64URL.test(text) || text.length % 4 === 1) {
    throw new CanonicalError('ERR_BASE64', 'Not strict, unpadded base64url');
  }
  const standard = text.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')) + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return fromBase64(standard);
  } catch {
    throw new CanonicalError('ERR_BASE64', 'Not strict, unpadded base64url');
  }
}

const NON_ASCII = /[^\u0000-\u007f]/;
const NON_ASCII_RUN = /[^\u0000-\u007f]+/g;
const HEX_UPPER = '0123456789ABCDEF';

/**
 * The wire form of a path or query: every non-ASCII character percent-encoded as UTF-8 with uppercase hex, as WHATWG
 * URL (fetch, browsers) and HTTP clients send it; every ASCII character, existing `%XX` escapes included, stays as
 * given. A lone surrogate becomes U+FFFD (`%EF%BF%BD`), as in WHATWG URL.
 */
export function encodeNonAscii(text: string): string {
  assertString(text, 'text');
  if (!NON_ASCII.test(text)) return text;
  return text.replace(NON_ASCII_RUN, (run) => {
    let out = '';
    for (const b of encoder.encode(run)) out += `%${HEX_UPPER[b >> 4]!}${HEX_UPPER[b & 15]!}`;
    return out;
  });
}
