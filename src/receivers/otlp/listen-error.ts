/** A clear start-up error for a port that cannot be opened, naming the component and endpoint. */
export function listenError(id: string, endpoint: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  const text = String(e?.message ?? e);
  let why: string;
  if (e?.code === 'EADDRINUSE' || text.includes('EADDRINUSE')) {
    why = 'address already in use (another process holds the port; stop it or change the endpoint)';
  } else if (e?.code === 'EACCES' || text.includes('EACCES')) {
    why = 'permission denied (ports below 1024 need privileges; pick another port)';
  } else if (e?.code === 'EADDRNOTAVAIL' || text.includes('EADDRNOTAVAIL')) {
    why = 'address not available on this machine (check the host part of the endpoint)';
  } else {
    why = text;
  }
  return new Error(`${id}: cannot listen on ${endpoint}: ${why}`, { cause: err });
}
