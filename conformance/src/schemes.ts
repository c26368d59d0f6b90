/**
 * The schemes of the conformance suite: the one list that the protocol, the vector loader, the adapters of our own
 * packages, the runtime suites, the CLI and the size script read. Adding a scheme starts here (docs/ARCHITECTURE.md,
 * "Adding a scheme").
 */
export const SCHEMES: readonly SchemeInfo[] = [
  {
    id: 'canonical',
    title: 'canonicalization (what both schemes build on)',
    package: '@reqsign/canonical',
    operations: ['target', 'query', 'date', 'encoding'],
  },
  {
    id: 'nog-v1',
    title: 'nog-v1 signed URLs (HMAC-SHA256)',
    package: '@reqsign/nog',
    command: 'nog',
    operations: ['sign', 'verify', 'verify-sequence'],
  },
  {
    id: 'nops',
    title: 'the nOps public API (RSA PKCS#1 v1.5 / SHA-256)',
    package: '@reqsign/nops',
    command: 'nops',
    operations: ['sign', 'verify'],
  },
];

/** A scheme's id as requests and vector files name it. */
export type Scheme = 'canonical' | 'nog-v1' | 'nops';

export interface SchemeInfo {
  readonly id: Scheme;
  /** What it is, for help texts and reports. */
  readonly title: string;
  /** The package that implements it. */
  readonly package: string;
  /** The `reqsign` command group that signs and verifies with it (none for canonicalization). */
  readonly command?: string;
  /** The operations its vectors exercise. */
  readonly operations: readonly string[];
}

/** The scheme of an id, or undefined. */
export function schemeOf(id: string): SchemeInfo | undefined {
  return SCHEMES.find((s) => s.id === id);
}
