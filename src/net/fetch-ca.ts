import * as http from 'node:http';
import * as https from 'node:https';

/**
 * A GET for small JSON documents (OIDC discovery, a JWKS) that can trust a given CA, which
 * the global fetch cannot without an extra dependency. Bounded: `maxBytes` and a timeout;
 * redirects are not followed. Resolves to a web Response, as jose's customFetch expects.
 */
export function getWithCa(url: string, opts: { ca?: Buffer; timeoutMs: number; maxBytes?: number; signal?: AbortSignal }): Promise<Response> {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const get = u.protocol === 'https:' ? https.get : http.get;
    const req = get(u, { ca: opts.ca, timeout: opts.timeoutMs, signal: opts.signal, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy(new Error(`${url}: the answer is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers }));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
  });
}
