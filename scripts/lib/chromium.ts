/** Debian's Chromium as the browser tests launch it (through playwright-core), headless and quiet on the network. */
export const CHROMIUM: string = process.env['REQSIGN_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
