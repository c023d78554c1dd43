// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The ports `freeLoopbackPort` picks from, lowest and highest: the 12,288 ports below the
 * system's ephemeral range.
 *
 * A port is free when chosen, not reserved until its server binds it. The system hands out the
 * ports of its ephemeral range to every `port 0` request (a kernel's, a scripted model's, a test
 * server's) and to outgoing connections, so a port chosen there can be taken in between: CI saw a
 * scripted model started with port 0 get the port chosen a moment before for JupyterHub. Below
 * the range, only a server asking for that very port can take it.
 *
 * @returns the range, from Linux's `ip_local_port_range`, or below IANA's 49152 elsewhere.
 */
export function unassignedPortRange(): [number, number] {
  let ephemeralLow = 49152;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && low > 2048) {
      ephemeralLow = low;
    }
  } catch {
    // Not Linux: IANA's dynamic range is what other systems use.
  }
  return [Math.max(1024, ephemeralLow - 12288), ephemeralLow - 1];
}

/**
 * A TCP port on loopback that is free now, for a server started next: a random port below the
 * ephemeral range (see `unassignedPortRange`) that binds, or one the system picks when a hundred
 * tries are all taken.
 *
 * @returns the port.
 * @throws when no port can be bound on 127.0.0.1.
 */
export async function freeLoopbackPort(): Promise<number> {
  const [low, high] = unassignedPortRange();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if ((await Private.bindAndRelease(port)) !== null) {
      return port;
    }
  }
  const port = await Private.bindAndRelease(0);
  if (port === null) {
    throw new Error('No TCP port can be bound on 127.0.0.1.');
  }
  return port;
}

namespace Private {
  /**
   * Bind a port on loopback and release it.
   *
   * @param port - the port, or 0 for one the system picks.
   * @returns the port bound, or `null` when it could not be.
   */
  export function bindAndRelease(port: number): Promise<number | null> {
    return new Promise(resolve => {
      const probe = createServer();
      probe.once('error', () => resolve(null));
      probe.listen(port, '127.0.0.1', () => {
        const address = probe.address();
        const bound = typeof address === 'object' && address ? address.port : null;
        probe.close(() => resolve(bound));
      });
    });
  }
}
