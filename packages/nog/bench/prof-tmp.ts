import * as node from '../src/node.ts';
const KEY = { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' };
const URL_ = '/api/repos/alice/data/db/trees/0123456789abcdef0123456789abcdef01234567?format=v1&limit=100';
const now = Date.now();
const noNonce = Buffer.from(node.signSync('GET', URL_, KEY, { nonce: false, date: now }).url, 'latin1').toString('latin1');
const v1 = node.createVerifier({ keys: { [KEY.id]: KEY.secret }, now: () => now });
for (let i = 0; i < 600000; i++) await v1.verify('GET', noNonce);
