import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

import { freeLoopbackPort, unassignedPortRange } from '../../src/node/loopbackPort';

describe('freeLoopbackPort', () => {
  it('picks ports below the range the system hands out for port 0', async () => {
    const [low, high] = unassignedPortRange();
    const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    expect(high).toBe(ephemeralLow - 1);
    expect(low).toBeGreaterThanOrEqual(1024);

    // A server started with port 0 now gets a port of the ephemeral range, never the one picked.
    const picked = await freeLoopbackPort();
    expect(picked).toBeGreaterThanOrEqual(low);
    expect(picked).toBeLessThanOrEqual(high);
    const other = createServer();
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    expect(typeof address === 'object' && address ? address.port : 0).toBeGreaterThanOrEqual(ephemeralLow);
    // The picked port is free: its own server binds it.
    const own = createServer();
    await new Promise<void>((resolve, reject) => own.once('error', reject).listen(picked, '127.0.0.1', resolve));
    await Promise.all([other, own].map(server => new Promise(resolve => server.close(resolve))));
  });
});
