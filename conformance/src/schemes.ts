/**
 * The schemes: the one description of each that the protocol, the vector loader, the envelope schema's check, the
 * adapters of our own packages, the runtime, browser, consumer and README suites, the CLI's groups and help, the
 * startup bench, the generators' check and the size script read. Adding a scheme starts here
 * (docs/ARCHITECTURE.md, "Adding a scheme"); `tests/packaging/test/scheme-lists.test.ts` fails when a file keeps a
 * list of schemes of its own.
 */
/** {@link SCHEMES} as written, each value of its own literal type (what {@link Scheme} is made from). */
export const SCHEME_ENTRIES = [
  {
    id: 'canonical',
    title: 'canonicalization (what both schemes build on)',
    package: '@reqsign/canonical',
    operations: ['target', 'query', 'date', 'encoding'],
    crypto: 'none',
    ports: ['typescript', 'python'],
  },
  {
    id: 'nog-v1',
    title: 'nog-v1 signed URLs (HMAC-SHA256)',
    package: '@reqsign/nog',
    command: 'nog',
    operations: ['sign', 'verify', 'verify-sequence'],
    crypto: 'hmac',
    ports: ['typescript', 'python'],
    cli: {
      about: 'nog-v1 signed URLs (HMAC-SHA256)',
      title: 'nog-v1 signed URLs (HMAC-SHA256), with the key in NOG_KEYID / NOG_SECRETKEY.',
      commands: {
        sign: { summary: 'sign a URL and print it' },
        verify: { summary: 'verify a signed URL and print the result as JSON' },
        explain: { summary: 'show why a signed URL verifies or not: its stages and the proven causes' },
      },
      /** A run of the startup bench: a command and its arguments, and the exit status it must end with. */
      startup: [
        { label: 'sign GET /p', args: ['sign', 'GET', '/p'], status: 0 },
        { label: 'verify (a bad URL)', args: ['verify', 'GET', '/p'], status: 1 },
      ],
    },
    // nog's client: 3.5 KiB since createNogFetch took baseUrl, clockOffset and the { id, secret } key (3,225 -> 3,377 B);
    // 4 KiB since sign refuses a URL that already has an auth parameter and canonical's helpers check every argument
    // (issue 18: typed errors for every bad input; 3,377 -> 3,886 B, still 0.81x jose's SignJWT). Every export: 9.5 KiB
    // since the verifier reads hostile queries in linear cost (a hand percent-decoder beside the regexes), bounds the
    // key lookup in time and checks its clock (8,176 -> 9,355 B). Every export: 10 KiB since MemoryNonceStore takes the
    // scheme-neutral claims of the nonce store contract (canonical's assertNonceClaim and nonceStoreKey, scopes of any
    // length) and sign's checks are one function per rule (issue 26: 9,479 -> 9,884 B). Client 4.25 KiB since sign takes
    // the authdate as text and checks the date before anything else (issue 25: the conformance port hands the vector's
    // authdate to the library, so that the library's own check order is what the vectors test; canonical's
    // parseDateTime, 4,0xx -> 4,118 B). Client 5.25 KiB, every export 12 KiB since the client lives long (issue 30:
    // sign's warnings and their default channel, createNogFetch's key provider, the clock offset learned from a 401's
    // Date, the send loop; 4,222 -> 5,122 B; retryOn503 is bundled only when imported). jose's SignJWT has no fetch:
    // what is held below it since is the signer, `sign` (3,991 B, 0.83x). Client 5.5 KiB, every export 13 KiB when
    // issue 30's parts met (createVerifier, MemoryNonceStore and the fetch refuse a misspelt option, the verifier's
    // seconds options their ranges, 503s keep their cause: client 5,364 B, every export 12,288 B).
    bundle: {
      client: ['sign', 'createNogFetch'],
      clientGzip: 5632, // 5.5 KiB
      allGzip: 13312, // 13 KiB
      jose: [{ what: 'nog signer (sign) vs jose SignJWT (HS256)', ours: ['sign'], jose: ['SignJWT'] }],
    },
  },
  {
    id: 'nops',
    title: 'the nOps public API (RSA PKCS#1 v1.5 / SHA-256)',
    package: '@reqsign/nops',
    command: 'nops',
    operations: ['sign', 'verify'],
    crypto: 'rsa',
    ports: ['typescript', 'python'],
    cli: {
      about: 'the nOps public API (RSA)',
      title: 'Requests to the nOps public API, signed with RSA (x-nops-signature).',
      commands: {
        sign: { summary: 'sign a request and print it as JSON or curl arguments' },
        verify: { summary: 'verify an nOps signature with a public key' },
        explain: { summary: 'show why an nOps signature verifies or not: its stages and the proven causes' },
        keygen: { summary: 'generate an RSA key pair' },
      },
      startup: [
        {
          label: 'sign',
          args: ['sign', '--api-key', '123.abc', '--private-key', '{nopsKey}', '/nops_api/v1/x/'],
          status: 0,
        },
      ],
    },
    // Every export: 7.25 KiB since verification takes the target and date codes from canonical's lists (issue 26:
    // 7,139 -> 7,227 B). Client 7 KiB, every export 8.5 KiB since the client lives long (issue 30: key providers, the
    // key checked when the fetch is made, the server's day learned from a 401's Date, the send loop; 6,065 -> 6,622 B;
    // retryOn503 is bundled only when imported). jose has no fetch: what is held below importPKCS8 + SignJWT since is
    // the signer with every key form, `sign` (5,448 B, 0.90x). Client 7.5 KiB, every export 9 KiB since the signers
    // refuse unknown option names and take keys as Node reads them (issue 30: PEM bytes, a JWK's JSON text, an
    // encrypted PEM's message saying what to do; sign 5,846 B, 0.96x jose; client 7,124 B, every export 8,850 B).
    // Client 8 KiB, every export 10 KiB since keys are checked before use (issue 31: DER read strictly, n odd, e one
    // of 3, 17, 37, 65537, a private key's parts and its own signature checked once; sign 6,076 -> ~6,740 B, 1.11x
    // jose, which checks none of it; client 7,349 -> ~8,015 B, every export 9,084 -> ~9,740 B).
    bundle: {
      client: ['sign', 'createNopsFetch'],
      clientGzip: 8192, // 8 KiB
      allGzip: 10240, // 10 KiB
      jose: [
        {
          what: 'nOps signer, every key form (sign), vs jose importPKCS8 + SignJWT (RS256)',
          ours: ['sign'],
          jose: ['importPKCS8', 'SignJWT'],
        },
        {
          what: 'nOps signing with a CryptoKey only vs jose CompactSign with a CryptoKey',
          ours: ['signWithCryptoKey'],
          jose: ['CompactSign'],
        },
      ],
    },
  },
] as const;

/** Every scheme (a type error here names the field of an entry that is wrong). */
export const SCHEMES: readonly SchemeInfo[] = SCHEME_ENTRIES;

/** A scheme's id as requests and vector files name it. */
export type Scheme = (typeof SCHEME_ENTRIES)[number]['id'];

/** The command group of a scheme in the `reqsign` CLI. */
export interface SchemeCli {
  /** What the scheme is, in the top-level help's first line. */
  readonly about: string;
  /** The group's help title. */
  readonly title: string;
  /** Its commands: a summary for the group's help (their options are the CLI's own, packages/cli/src/internal/options.ts). */
  readonly commands: Readonly<Record<string, { readonly summary: string }>>;
  /** The startup bench's runs of the group (`{nopsKey}` stands for a test RSA key). */
  readonly startup: readonly { readonly label: string; readonly args: readonly string[]; readonly status: number }[];
}

/** The browser signing client's bundle: its exports, its ceilings, and the jose bundles it must stay below. */
export interface SchemeBundle {
  /** What a browser app that sends signed requests imports. */
  readonly client: readonly string[];
  /** Ceiling for the client bundle, gzipped bytes. */
  readonly clientGzip: number;
  /** Ceiling for the bundle of every export (`export *`), gzipped bytes. */
  readonly allGzip: number;
  /** Each: our exports (default `client`) and jose 6's that do the same job. */
  readonly jose: readonly { readonly what: string; readonly ours?: readonly string[]; readonly jose: readonly string[] }[];
}

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
  /**
   * The primitive its signatures use: the consumer suite checks that a bundle of one kind holds no code of another
   * (no RSA in an HMAC scheme's bundle).
   */
  readonly crypto: 'none' | 'hmac' | 'rsa';
  /** The conformance ports that implement it: our packages (`typescript`) and `conformance/ports/<name>`. */
  readonly ports: readonly string[];
  /** Its CLI group (with a `command`). */
  readonly cli?: SchemeCli;
  /** Its browser bundle's budgets (with a `command`). */
  readonly bundle?: SchemeBundle;
}

/** The scheme of an id, or undefined. */
export function schemeOf(id: string): SchemeInfo | undefined {
  return SCHEMES.find((s) => s.id === id);
}
