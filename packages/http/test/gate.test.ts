import { createVerifier, signSync, type Verifier, type VerifyResult } from '@reqsign/nog';
import { describe, expect, it } from 'vitest';
import { createGate } from '../src/internal/gate.js';
import { withPrefix } from '../src/internal/target.js';

const KEY = { id: 'gate-key', secret: 'gate-secret' };

/**
 * The gate without proxy options hands the verifier's own promise on (no async frames of its own): whatever the
 * caller's verifier does, the gate still answers with a promise, as it did through its async function.
 */
describe('createGate without proxy options', () => {
  const accepted = { ok: true } as unknown as VerifyResult;

  it('answers with a promise that rejects when a verifier of the caller throws synchronously', async () => {
    const gate = createGate(
      {
        verifier: {
          verify: () => {
            throw new Error('sync boom');
          },
        } as Verifier,
      },
      withPrefix,
    );
    const answer = gate({}, 'GET', '/p');
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).rejects.toThrow('sync boom');
  });

  it('answers with a promise when a verifier of the caller returns a result, or a thenable, instead of a promise', async () => {
    const plain = createGate({ verifier: { verify: () => accepted } as unknown as Verifier }, withPrefix);
    const answer = plain({}, 'GET', '/p');
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).resolves.toBe(accepted);
    // A thenable is what this case is about: built with its `then` under a computed name, as the linter asks.
    const then = 'then';
    const thenable = createGate(
      { verifier: { verify: () => ({ [then]: (f: (v: unknown) => void) => f(accepted) }) } as unknown as Verifier },
      withPrefix,
    );
    await expect(thenable({}, 'GET', '/p')).resolves.toBe(accepted);
  });

  it('tells onFailure of a refused request, and not of an accepted one', async () => {
    const events: string[] = [];
    const verifier = createVerifier({ keys: { [KEY.id]: KEY.secret } });
    const gate = createGate({ verifier, onFailure: (e) => events.push(`${e.code} ${e.path}`) }, withPrefix);
    expect((await gate({}, 'GET', signSync('GET', '/ok', KEY).url)).ok).toBe(true);
    expect((await gate({}, 'GET', '/refused?x=1')).ok).toBe(false);
    expect(events).toEqual(['ERR_AUTH_FIELD_MISSING /refused']);
  });
});
