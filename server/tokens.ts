import { hash, randomBytes, randomUUID } from 'node:crypto';

const TOKEN_BYTES = 32;

/** 256 bits from the CSPRNG, URL-safe. */
export function generateToken(): string {
  return generateTokens(1)[0]!;
}

/** Many tokens from one draw of the CSPRNG (a bulk import): each still 256 bits of its own. */
export function generateTokens(count: number): string[] {
  const bytes = randomBytes(TOKEN_BYTES * count);
  return Array.from({ length: count }, (_, index) => bytes.toString('base64url', index * TOKEN_BYTES, (index + 1) * TOKEN_BYTES));
}

/** Tokens are stored only as their SHA-256; they carry enough entropy that no salt is needed. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'base64url');
}

export const newId = (): string => randomUUID();

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7: ids made later by this process sort after earlier ones, even within one millisecond
 * (a 12-bit counter fills `rand_a`). The audit log breaks ties of equal times with it, so its
 * newest-first order is the order the entries were written in.
 */
export function newSortableId(): string {
  return newSortableIds(1)[0]!;
}

/**
 * Many UUIDv7s in order, from one draw of the CSPRNG. A bulk import keys its rows with them: each
 * table's primary key index then grows at its end instead of at random places.
 */
export function newSortableIds(count: number): string[] {
  const random = randomBytes(16 * count);
  const ids = new Array<string>(count);
  for (let index = 0; index < count; index += 1) {
    let ms = Date.now();
    if (ms <= lastMs) {
      sequence += 1;
      if (sequence > 0xfff) {
        lastMs += 1;
        sequence = 0;
      }
      ms = lastMs;
    } else {
      sequence = 0;
    }
    lastMs = ms;
    const bytes = random.subarray(index * 16, index * 16 + 16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (sequence >> 8);
    bytes[7] = sequence & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString('hex');
    ids[index] = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return ids;
}
