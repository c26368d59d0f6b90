/**
 * The few parts of the Workers runtime the store and the object use, declared by shape so that this package needs
 * neither `@cloudflare/workers-types` nor an import of `cloudflare:workers`: `env.MY_NAMESPACE` (a
 * `DurableObjectNamespace`) and the object's `DurableObjectState` are assignable to these.
 */

/** A stub of one Durable Object: `namespace.get(id)`. */
export interface NonceObjectStub {
  fetch(input: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Response>;
}

/** A Durable Object namespace binding (`env.NOG_NONCES`). */
export interface NonceObjectNamespace {
  idFromName(name: string): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: the runtime's id type is opaque here; any id from idFromName is passed back
  get(id: any): NonceObjectStub;
}

/** The transaction of `storage.transaction(...)`: the operations a claim uses. */
export interface NonceObjectTransaction {
  get(key: string): Promise<unknown>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(key: string): Promise<boolean>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
}

/** The object's durable storage (`state.storage`): the operations the object uses. */
export interface NonceObjectStorage extends NonceObjectTransaction {
  transaction<T>(closure: (txn: NonceObjectTransaction) => Promise<T>): Promise<T>;
  list(options: { start?: string; end?: string; prefix?: string; limit?: number }): Promise<Map<string, unknown>>;
  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
}

/** The state the runtime hands a Durable Object's constructor. */
export interface NonceObjectState {
  readonly storage: NonceObjectStorage;
}
