/**
 * Secrets in a backup are encrypted with a key derived from a passphrase the user keeps: scrypt
 * (N = 2^17, r = 8, p = 1, OWASP's recommendation) → AES-256-GCM from node:crypto. GCM's tag makes a
 * wrong passphrase or a changed byte fail loudly instead of restoring garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

const KDF = { N: 2 ** 17, r: 8, p: 1 } as const;
// scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is below that for N = 2^17.
const MAX_MEM = 256 * 1024 * 1024;

const scrypt = (passphrase: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(passphrase, salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))));

const envelopeSchema = z
  .object({
    format: z.literal('lookout-secrets'),
    version: z.literal(1),
    kdf: z.object({ name: z.literal('scrypt'), N: z.number().int().positive(), r: z.number().int().positive(), p: z.number().int().positive(), salt: z.string() }),
    cipher: z.literal('aes-256-gcm'),
    iv: z.string(),
    tag: z.string(),
    data: z.string(),
  })
  .strict();

/** A passphrase the user chose: long enough that scrypt's cost makes guessing it expensive. */
export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < 8) throw new Error('the backup passphrase must be at least 8 characters');
}

/** Encrypt `files` (name → content) into one JSON envelope. */
export async function encryptSecrets(files: Record<string, Buffer>, passphrase: string): Promise<Buffer> {
  checkPassphrase(passphrase);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await scrypt(passphrase, salt, { ...KDF, maxmem: MAX_MEM });
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const plain = Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.toString('base64')]))));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const envelope = {
    format: 'lookout-secrets',
    version: 1,
    kdf: { name: 'scrypt', ...KDF, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return Buffer.from(`${JSON.stringify(envelope)}\n`);
}

/** Decrypt an envelope; a wrong passphrase or a changed byte is an error that says so (GCM's tag). */
export async function decryptSecrets(envelopeText: Buffer, passphrase: string): Promise<Record<string, Buffer>> {
  let envelope: z.output<typeof envelopeSchema>;
  try {
    envelope = envelopeSchema.parse(JSON.parse(envelopeText.toString('utf8')));
  } catch (err) {
    throw new Error(`secrets.enc is not a Lookout secrets envelope: ${(err as Error).message}`, { cause: err });
  }
  const { N, r, p, salt } = envelope.kdf;
  const key = await scrypt(passphrase, Buffer.from(salt, 'base64'), { N, r, p, maxmem: MAX_MEM });
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
  } catch (err) {
    throw new Error('cannot decrypt the secrets in this backup: wrong passphrase, or the archive was changed', { cause: err });
  }
  const parsed = z.record(z.string(), z.string()).parse(JSON.parse(plain.toString('utf8')));
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}
