import type { NogAuth } from '../types.js';

/** Returns the object it is given: a subclass's constructor then runs on that object, adding its private field. */
class Host {
  constructor(request: object) {
    // biome-ignore lint/correctness/noConstructorReturn: how a private field goes on an object of another class
    return request;
  }
}

/**
 * The verification of a request, held in a private field that the request object itself carries: like a WeakMap
 * entry it goes with the request, no other code can read or forge it, and a copy of the request does not have it;
 * unlike one it costs no hash-table insertion and no ephemeron work for the garbage collector on every request.
 */
class Stamp extends Host {
  #auth: NogAuth;
  private constructor(request: object, auth: NogAuth) {
    super(request);
    this.#auth = auth;
  }

  /** Updates the verification the request carries; false when it carries none. */
  static update(request: object, auth: NogAuth): boolean {
    if (!(#auth in request)) return false;
    (request as Stamp).#auth = auth;
    return true;
  }

  static add(request: object, auth: NogAuth): void {
    new Stamp(request, auth);
  }

  static get(request: object): NogAuth | undefined {
    return #auth in request ? (request as Stamp).#auth : undefined;
  }
}

/** The table: Express's requests, and an object that cannot take a private field (an engine may refuse them on a non-extensible one). */
const fallback = new WeakMap<object, NogAuth>();

/**
 * Remembers the verification of a request object, for `getNogAuth`. Held weakly: it goes with the request. `table`:
 * keep it in the table instead, for an object whose prototype was swapped (Express's requests): V8 adds a property to
 * such an object on a slow path, microseconds, more than a table entry costs. Either way getNogAuth reads it.
 */
export function rememberNogAuth(request: object, auth: NogAuth, table = false): void {
  // The newest verification wins: a table entry is read first, and one made as a field removes the entry.
  if (table) {
    fallback.set(request, auth);
    return;
  }
  fallback.delete(request);
  if (Stamp.update(request, auth)) return;
  try {
    Stamp.add(request, auth);
  } catch {
    fallback.set(request, auth);
  }
}

/** The verification remembered for a request object, if any. */
export function recallNogAuth(request: object): NogAuth | undefined {
  // `#auth in` takes objects only; a WeakMap answers anything else with undefined.
  if ((typeof request !== 'object' || request === null) && typeof request !== 'function') return undefined;
  return fallback.get(request) ?? Stamp.get(request);
}
