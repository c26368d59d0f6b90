/**
 * The warning a MemoryNonceStore logs at its first claim inside a Cloudflare Worker (navigator.userAgent is exactly
 * `Cloudflare-Workers` there; tests/runtimes/test/workerd.test.ts checks it in workerd itself). Each test loads the
 * module afresh, as a new isolate would.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const claim = (nonce: string) => ({
  keyId: 'k',
  authdate: '2026-01-01T000000Z',
  nonce,
  expiresAt: 1_767_225_660_000,
  now: 1_767_225_600_000,
});

async function fresh(): Promise<typeof import('../src/memoryNonceStore.js')> {
  vi.resetModules();
  return import('../src/memoryNonceStore.js');
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('MemoryNonceStore in a worker', () => {
  it('warns once per isolate, at the first claim, when navigator.userAgent is Cloudflare-Workers', async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { MemoryNonceStore, MEMORY_STORE_IN_WORKER_WARNING } = await fresh();
    const a = new MemoryNonceStore();
    expect(warn).not.toHaveBeenCalled();
    expect(a.claim(claim('n1'))).toBe(true);
    expect(a.claim(claim('n1'))).toBe(false);
    expect(new MemoryNonceStore().claim(claim('n2'))).toBe(true);
    expect(warn.mock.calls).toEqual([[MEMORY_STORE_IN_WORKER_WARNING]]);
    expect(MEMORY_STORE_IN_WORKER_WARNING).toMatch(/one isolate/);
    expect(MEMORY_STORE_IN_WORKER_WARNING).not.toMatch(/n1|k'/);
  });

  it.each([['Node.js/20'], ['Mozilla/5.0 (X11; Linux x86_64)'], ['cloudflare-workers'], [undefined]])(
    'says nothing elsewhere (user agent %s)',
    async (userAgent) => {
      vi.stubGlobal('navigator', userAgent === undefined ? undefined : { userAgent });
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const { MemoryNonceStore } = await fresh();
      expect(new MemoryNonceStore().claim(claim('n1'))).toBe(true);
      expect(warn).not.toHaveBeenCalled();
    },
  );
});
