// A worker-style fetch handler (Cloudflare workers, Deno Deploy, Bun.serve, any `export default { fetch }` host).
// The keys come from the platform's `env`, so the wrapper is built on the first request. Only standard globals.
import { getNogAuth, withNogAuth } from '@reqsign/http';

export interface Env {
  NOG_KEYID: string;
  NOG_SECRETKEY: string;
}

const app = (request: Request): Response => {
  const auth = getNogAuth(request)!;
  return Response.json({ path: new URL(request.url).pathname, keyId: auth.keyId, query: auth.query });
};

let handler: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= withNogAuth(app, { keys: { [env.NOG_KEYID]: env.NOG_SECRETKEY } });
    return handler(request);
  },
};
