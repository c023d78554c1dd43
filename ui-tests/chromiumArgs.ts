/**
 * Flags for Debian's Chromium in this environment: as root it needs no sandbox, and it must not
 * reach for the network on its own (updates, sync, QUIC probes); only loopback is open here.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];
