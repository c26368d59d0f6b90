import { execFileSync } from 'node:child_process';

/**
 * HMAC-SHA256 hex by Python's `hmac` module, an independent implementation, for (secret, data) pairs, in one
 * process. JSON carries lone surrogates as escapes (`\ud800`), which Python's `json` reads as lone code points; the
 * oracle replaces each by U+FFFD before encoding (the WHATWG rule, written here from its definition, not from our
 * code), so that a string with lone surrogates has an expected value too.
 */
export function pythonHmac(pairs: ReadonlyArray<readonly [string, string]>): string[] {
  if (pairs.length === 0) return [];
  const script = [
    'import sys, json, hmac, hashlib, re',
    "lone = re.compile('[\\ud800-\\udfff]')",
    "enc = lambda s: lone.sub('\\ufffd', s).encode('utf-8')",
    'for k, m in json.load(sys.stdin): print(hmac.new(enc(k), enc(m), hashlib.sha256).hexdigest())',
  ].join('\n');
  return execFileSync('python3', ['-c', script], { input: JSON.stringify(pairs), maxBuffer: 64 * 1024 * 1024 })
    .toString()
    .trim()
    .split('\n');
}
