// NOPS_API_KEY=... NOPS_PRIVATE_KEY_FILE=nops_private_key.pem npx tsx examples/nops-client/client.ts
// An nOps API client: each request signed (x-nops-signature) when it is sent. NOPS_BASE_URL points it elsewhere
// than https://app.nops.io (a test server, a proxy).
import { readFileSync } from 'node:fs';
import { createNopsFetch } from '@reqsign/nops';

const apiKey = process.env.NOPS_API_KEY;
const keyFile = process.env.NOPS_PRIVATE_KEY_FILE;
if (!apiKey || !keyFile) throw new Error('set NOPS_API_KEY and NOPS_PRIVATE_KEY_FILE');

const nopsFetch = createNopsFetch({
  apiKey,
  privateKey: readFileSync(keyFile, 'utf8'),
  ...(process.env.NOPS_BASE_URL ? { baseUrl: process.env.NOPS_BASE_URL } : {}),
});

const response = await nopsFetch('/nops_api/v1/billingGetTotal/', { headers: { accept: 'application/json' } });
console.log(response.status, JSON.stringify(await response.json()));
process.exitCode = response.ok ? 0 : 1;
