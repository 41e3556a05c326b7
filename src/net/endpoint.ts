/** Splits a `host:port` endpoint. */
export function splitEndpoint(ep: string): { host: string; port: number } {
  const i = ep.lastIndexOf(':');
  let host = ep.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port: Number(ep.slice(i + 1)) };
}

/**
 * True when a host reaches only this machine: 127.0.0.0/8, ::1, localhost. An empty host,
 * 0.0.0.0 or :: listens on every interface, so it is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.startsWith('[') ? host.slice(1, -1) : host;
  if (h === 'localhost' || h === '::1' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(h)) return true;
  if (/^::ffff:127\./i.test(h)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
