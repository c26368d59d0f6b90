/** The key the bench's servers verify with and its load generator signs with. */
export const KEY = { id: 'bench-key', secret: '0123456789abcdef0123456789abcdef01234567' };
