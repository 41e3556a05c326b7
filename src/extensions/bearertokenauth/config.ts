import { z } from 'zod';

// otelcol contrib's bearertokenauth keys (scheme, header, token, tokens, filename), server side.
// A token may carry the subject it stands for (`include_metadata` puts it on the resource).

const tokenEntry = z.union([
  z.string().min(1, 'a token cannot be empty (is its environment variable set?)'),
  z.strictObject({
    /** The token, usually `${env:NAME}`. */
    token: z.string().min(1, 'a token cannot be empty (is its environment variable set?)'),
    /** Who sends it, e.g. security-service; default: the extension's id. */
    subject: z.string().min(1),
  }),
]);

export const bearerTokenAuthConfig = z
  .strictObject({
    /** Default Bearer: the scheme before the token in the header; "" = the header holds the token alone. */
    scheme: z.string().default('Bearer'),
    /** Default Authorization: the header (gRPC: metadata key) that carries the token. */
    header: z.string().min(1).default('Authorization'),
    /** One token; write `${env:NAME}` to take it from the environment. */
    token: tokenEntry.optional(),
    /** Several tokens, each a string or {token, subject}. */
    tokens: z.array(tokenEntry).default([]),
    /** A file of tokens, one per line as `token` or `token,subject` (# comments); read every second, a change applies at once. */
    filename: z.string().min(1).optional(),
  })
  .refine((c) => c.token !== undefined || c.tokens.length > 0 || c.filename !== undefined, {
    message: 'give at least one of token, tokens or filename',
  });

export type BearerTokenAuthConfig = z.output<typeof bearerTokenAuthConfig>;
