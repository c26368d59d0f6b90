// npx tsx examples/node-client/client.ts http://127.0.0.1:8080 /api/blobs/abc
// A Node client: every request signed as it goes out, relative URLs against the server's base URL.
import { createNogFetch } from '@reqsign/nog';
import { nogKey } from '../keys.js';

const [baseUrl = 'http://127.0.0.1:8080', path = '/api/blobs/abc?size=42'] = process.argv.slice(2);
const nogFetch = createNogFetch({ key: nogKey(), baseUrl });

const response = await nogFetch(path);
console.log(response.status, JSON.stringify(await response.json()));
// A replayed URL is refused: sign a URL once, send it twice.
process.exitCode = response.ok ? 0 : 1;
