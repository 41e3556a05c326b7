// htpasswd lines -> user -> bcrypt hash. A line that is not `user:bcrypt-hash` is an error
// naming its line number and user, never the hash.

const BCRYPT_RE = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export function parseHtpasswd(text: string, source: string): Map<string, string> {
  const users = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${source} line ${i + 1}: expected user:hash`);
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1).trim();
    if (!BCRYPT_RE.test(hash)) {
      throw new Error(`${source} line ${i + 1} (user "${user}"): not a bcrypt hash; only bcrypt is accepted (make one with \`htpasswd -nB ${user}\`)`);
    }
    if (users.has(user)) throw new Error(`${source} line ${i + 1}: user "${user}" appears twice`);
    users.set(user, hash);
  }
  return users;
}
