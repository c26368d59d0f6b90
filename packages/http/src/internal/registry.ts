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

/**
 * The mark on a verification that `request.nogAuth` holds for that very request: a private field of the verification
 * object (the verifier's fresh result, whose shape is the same for every request) naming the request. Nothing is
 * written to the request but the `nogAuth` property the integration sets anyway.
 */
class Seal extends Host {
  #request: object;
  private constructor(auth: object, request: object) {
    super(auth);
    this.#request = request;
  }

  /** Marks `auth` as the verification of `request`; false when it already is another request's (a verifier that returns one object twice). */
  static add(auth: object, request: object): boolean {
    if (#request in auth) return (auth as Seal).#request === request;
    new Seal(auth, request);
    return true;
  }

  /** The verification `request.nogAuth` holds when it is marked as this request's (an own data property; no getter runs). */
  static get(request: object): NogAuth | undefined {
    let auth: unknown;
    try {
      auth = Object.getOwnPropertyDescriptor(request, 'nogAuth')?.value;
    } catch {
      return undefined; // a revoked proxy: as a WeakMap lookup, no answer and no exception
    }
    return typeof auth === 'object' && auth !== null && #request in auth && (auth as Seal).#request === request
      ? (auth as unknown as NogAuth)
      : undefined;
  }
}

/** The table: an object that cannot take a private field (an engine may refuse them on a non-extensible one). */
const fallback = new WeakMap<object, NogAuth>();

/**
 * Remembers the verification of a request object, for `getNogAuth`. Held weakly: it goes with the request.
 * `inProperty`: the caller has just set `request.nogAuth = auth` (an own property), and the mark goes on `auth`
 * instead of the request (Express's requests: their prototype is swapped, every one of them has a map of its own, and
 * V8 adds a property or a table entry to such an object on a slow path, microseconds, where marking the verification
 * object costs nanoseconds). Whichever way, getNogAuth reads it, the newest first: a marked `nogAuth` is always the
 * newest, since every integration that sets `nogAuth` sets it again with each verification.
 */
export function rememberNogAuth(request: object, auth: NogAuth, inProperty = false): void {
  if (inProperty) {
    try {
      if (Seal.add(auth, request)) return;
    } catch {
      // see fallback
    }
    fallback.set(request, auth);
    return;
  }
  // The newest verification wins: a table entry is read first, and one made as a field removes the entry.
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
  return Seal.get(request) ?? fallback.get(request) ?? Stamp.get(request);
}
