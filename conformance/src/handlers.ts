/** One operation of one scheme: takes a vector's input, returns its output stages or throws an error with a `code`. */
export type Handler = (input: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;
export type Handlers = Readonly<Record<string, Handler>>;

/** Reads a field of a vector input with its expected type, so that a malformed vector fails loudly. */
export function field<T extends 'string' | 'number' | 'boolean' | 'object'>(
  input: Record<string, unknown>,
  name: string,
  type: T,
): T extends 'string' ? string : T extends 'number' ? number : T extends 'boolean' ? boolean : Record<string, unknown> {
  if (typeof input !== 'object' || input === null) {
    throw Object.assign(new Error(`vector input holding ${name} must be an object`), { code: 'ERR_VECTOR_INPUT' });
  }
  const v = input[name];
  if (typeof v !== type || v === null)
    throw Object.assign(new Error(`vector input ${name} must be a ${type}`), { code: 'ERR_VECTOR_INPUT' });
  return v as never;
}

/** An optional field: `undefined` when absent or null. */
export function optional<T extends 'string' | 'number' | 'boolean' | 'object'>(
  input: Record<string, unknown>,
  name: string,
  type: T,
): (T extends 'string' ? string : T extends 'number' ? number : T extends 'boolean' ? boolean : Record<string, unknown>) | undefined {
  if (typeof input === 'object' && input !== null && (input[name] === undefined || input[name] === null)) return undefined;
  return field(input, name, type);
}
