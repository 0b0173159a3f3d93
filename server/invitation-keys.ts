import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Invitation tokens made from the server secret, so that no copy of the database (a file copy,
 * a backup, a dump) holds anything that opens an invitation, not even while its email waits in the
 * outbox for SMTP.
 *
 * A token is derived, not stored: the outbox keeps a random 128-bit nonce (with the token's index
 * in its batch) and the id of the key, and the token is AES-256 in counter mode from the nonce,
 * under a key derived (HKDF) from the secret: `AES(k, c) ‖ AES(k, c + 1)` with `c = nonce +
 * 2 × index`, 256 bits, the construction of NIST's CTR_DRBG. Delivery derives it again to put it
 * into the email, then erases the nonce. The invitation row
 * keeps the token's SHA-256 as before, which also tells delivery that it derived the right one.
 *
 * Why derive rather than encrypt a random token (AES-GCM per message): the same protection
 * (without the secret a nonce is worth nothing, as a ciphertext would be), but one AES pass
 * derives all of a 50,000-row import's tokens in about 8 ms where a cipher per message took
 * 350 to 450 ms, and the outbox keeps 22 characters instead of a token-sized ciphertext, IV and
 * tag. Rotation is the same either way: a nonce (or ciphertext) made under a replaced secret needs
 * that secret until its email has gone out, so replaced secrets stay accepted (`previous`) until
 * the outbox has drained; a message whose key is unknown is given up (see deliver-outbox.ts).
 */

/** A secret shorter than this is refused: it would be the weakest part of every link. */
export const MIN_SECRET_LENGTH = 32;

export const MISSING_SECRET =
  'PANTA_SECRET is required in production: set it (or PANTA_SECRET_FILE) to a random value of at least ' +
  `${MIN_SECRET_LENGTH} characters, for example \`openssl rand -base64 32\`; invitation links are derived from it`;

const TOKEN_BYTES = 32;
const NONCE_BYTES = 16;
/** The counter steps by two per token (two AES blocks each), within the nonce's last 32 bits. */
const BLOCKS_PER_TOKEN = TOKEN_BYTES / 16;

interface Key {
  id: string;
  aes: Buffer;
}

function keyFrom(secret: string): Key {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The secret (PANTA_SECRET, PANTA_SECRET_PREVIOUS) must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const derive = (purpose: string, bytes: number) => Buffer.from(hkdfSync('sha256', secret, '', `panta ${purpose}`, bytes));
  // The id names the key in the outbox without telling anything about it.
  return { id: derive('invitation key id v1', 6).toString('base64url'), aes: derive('invitation tokens v1', 32) };
}

export interface IssuedTokens {
  /** The key they were made under. */
  keyId: string;
  /** What the outbox keeps for them all: `tokenOf(keyId, nonce, index)` makes `tokens[index]` again. */
  nonce: string;
  tokens: string[];
}

export class InvitationKeys {
  readonly #current: Key;
  readonly #byId: Map<string, Key>;

  /** `secret` makes every new token; `previous` secrets still make the tokens made under them. */
  constructor(secret: string, previous: readonly string[] = []) {
    this.#current = keyFrom(secret);
    this.#byId = new Map([...previous.map(keyFrom), this.#current].map((key) => [key.id, key]));
  }

  /**
   * `count` fresh tokens from one random nonce: token `index` is the keystream from counter block
   * `nonce + 2 × index`, so one AES pass makes them all and each row of a bulk import stores the
   * batch's nonce and its index (a per-row nonce as text cost more than the AES pass itself). The
   * nonce's low 32-bit word starts below 2^31, so no batch of up to 2^30 tokens carries into the
   * random upper 96 bits.
   */
  issue(count: number): IssuedTokens {
    const nonce = randomBytes(NONCE_BYTES);
    nonce[12] = nonce[12]! & 0x7f;
    const stream = keystream(this.#current, nonce, count * TOKEN_BYTES);
    const tokens = new Array<string>(count);
    for (let index = 0; index < count; index += 1) tokens[index] = stream.toString('base64url', index * TOKEN_BYTES, (index + 1) * TOKEN_BYTES);
    return { keyId: this.#current.id, nonce: nonce.toString('base64url'), tokens };
  }

  /** Token `index` of the batch made from `nonce` under key `keyId`; undefined when that key is not known here. */
  tokenOf(keyId: string, nonce: string, index: number): string | undefined {
    const key = this.#byId.get(keyId);
    if (!key) return undefined;
    const counter = Buffer.from(nonce, 'base64url');
    if (counter.length !== NONCE_BYTES || !Number.isInteger(index) || index < 0 || index >= 2 ** 30) throw new Error('Not a token nonce and index');
    counter.writeUInt32BE(counter.readUInt32BE(12) + index * BLOCKS_PER_TOKEN, 12);
    return keystream(key, counter, TOKEN_BYTES).toString('base64url');
  }
}

function keystream(key: Key, counter: Buffer, bytes: number): Buffer {
  return createCipheriv('aes-256-ctr', key.aes, counter).update(Buffer.alloc(bytes));
}

/**
 * The keys of a `UserManagement`: from its secret; without one a random secret for this process
 * (its queued emails then do not survive a restart), which production refuses.
 */
export function invitationKeysFor(secret: string | undefined, previous: readonly string[] = [], production = process.env.NODE_ENV === 'production'): InvitationKeys {
  if (secret !== undefined) return new InvitationKeys(secret, previous);
  if (production) throw new Error(MISSING_SECRET);
  return new InvitationKeys(randomBytes(32).toString('base64url'), previous);
}
