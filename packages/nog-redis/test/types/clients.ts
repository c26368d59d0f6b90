// Compiled by test/types.test.ts (tsc --noEmit, strict): every client type of both majors of the peer dependency is a
// `client` as it comes, without a cast.
import { createRedisNonceStore } from '@reqsign/nog-redis';
import * as redis6 from 'redis';
import * as redis5 from 'redis5';

const url = 'redis://127.0.0.1:6379';
const rootNodes = [{ url }];
const sentinel = { name: 'm', sentinelRootNodes: [{ host: '127.0.0.1', port: 26379 }] };

createRedisNonceStore({ client: redis6.createClient({ url }) });
createRedisNonceStore({ client: redis6.createClient({ url, RESP: 2 }).duplicate() });
createRedisNonceStore({ client: redis6.createCluster({ rootNodes }), durability: { replicas: 1 } });
createRedisNonceStore({ client: redis6.createSentinel(sentinel), durability: { replicas: 1 } });
createRedisNonceStore({ client: redis6.createClientPool({ url }) }); // a pool: not with durability (refused at run time)

createRedisNonceStore({ client: redis5.createClient({ url }) });
createRedisNonceStore({ client: redis5.createClient({ url, RESP: 3 }).duplicate() });
createRedisNonceStore({ client: redis5.createCluster({ rootNodes }), durability: { replicas: 1 } });
createRedisNonceStore({ client: redis5.createSentinel(sentinel), durability: { replicas: 1 } });
createRedisNonceStore({ client: redis5.createClientPool({ url }) });

// @ts-expect-error: not a client
createRedisNonceStore({ client: {} });
// @ts-expect-error: durability needs a number of replicas
createRedisNonceStore({ client: redis6.createClient({ url }), durability: {} });
