import { z } from 'zod';

// otelcol contrib's basicauth keys, server side: an htpasswd file and/or inline htpasswd
// lines. Only bcrypt hashes ($2a$, $2b$, $2y$; `htpasswd -B`) are taken.

export const basicAuthConfig = z.strictObject({
  htpasswd: z
    .strictObject({
      /** An htpasswd file (`user:bcrypt-hash` per line); read every second, a change applies at once. */
      file: z.string().min(1).optional(),
      /** htpasswd lines written in the config (e.g. `${env:HTPASSWD}`); added to the file's. */
      inline: z.string().optional(),
    })
    .refine((h) => h.file !== undefined || (h.inline ?? '').trim() !== '', { message: 'give htpasswd.file or htpasswd.inline' }),
});

export type BasicAuthConfig = z.output<typeof basicAuthConfig>;
