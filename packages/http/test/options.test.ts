/** Every integration refuses an option it does not know (its own or the verifier's), with the one meant, when made. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { NogError } from '@reqsign/nog';
import { createNogAuthenticator, nogMiddleware, withNogAuth } from '@reqsign/http';
import { nogAuth as fastifyAuth } from '@reqsign/http/fastify';
import { nogAuth as honoAuth } from '@reqsign/http/hono';
import { nogAuth as koaAuth } from '@reqsign/http/koa';
import { KEYS } from './helpers.js';

const MAKERS: Record<string, (options: object) => unknown> = {
  nogMiddleware: (o) => nogMiddleware(o as never),
  withNogAuth: (o) => withNogAuth(() => new Response('ok'), o as never),
  createNogAuthenticator: (o) => createNogAuthenticator(o as never),
  hono: (o) => honoAuth(o as never),
  koa: (o) => koaAuth(o as never),
};

describe('option names', () => {
  it.each(Object.entries(MAKERS))('%s refuses a misspelt option of its own or of the verifier, naming the one meant', (_name, make) => {
    const cases: Array<[object, string]> = [
      [{ keys: KEYS, mountPrefx: '/api' }, 'options: unknown option "mountPrefx" (did you mean mountPrefix?)'],
      [{ keys: KEYS, onfailure: () => {} }, 'options: unknown option "onfailure" (did you mean onFailure?)'],
      [{ keys: KEYS, maxClockSkw: 60 }, 'options: unknown option "maxClockSkw" (did you mean maxClockSkew?)'],
      [{ keys: KEYS, originalURL: () => null }, 'options: unknown option "originalURL" (did you mean originalUrl?)'],
    ];
    for (const [options, message] of cases) expect(() => make(options)).toThrow(new NogError('ERR_INVALID_ARGUMENT', message));
    expect(() => make({ keys: KEYS, maxClockSkew: 60, mountPrefix: '/api', onFailure: () => {} })).not.toThrow();
  });

  it('the Fastify plugin refuses it when registered (Fastify passes its own prefix and logLevel through)', async () => {
    const app = Fastify();
    app.register(fastifyAuth, { keys: KEYS, rewriteURL: false } as never);
    await expect(app.ready()).rejects.toThrow('options: unknown option "rewriteURL" (did you mean rewriteUrl?)');
    const ok = Fastify();
    ok.register(fastifyAuth, { keys: KEYS, prefix: '/api', logLevel: 'warn' } as never);
    await expect(ok.ready()).resolves.toBeDefined();
    await ok.close();
  });
});
