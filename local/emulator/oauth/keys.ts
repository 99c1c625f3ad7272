/**
 * The OpenID provider's signing keys: RS256, the newest signs, the JWKS lists the newest and the
 * one before it (as Google's certs endpoint does during a rotation), so tokens signed just before
 * a rotation still verify.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { EMULATOR_JWT_HEADER_MEMBER } from './tokens.js';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export class SigningKeys {
  private keys: SigningKey[] = [];

  static async create(): Promise<SigningKeys> {
    const keys = new SigningKeys();
    await keys.rotate();
    return keys;
  }

  /** Makes a new key the signing key; the previous one stays published, older ones are dropped. */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const kid = randomBytes(20).toString('hex');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    this.keys = [{ kid, privateKey, publicJwk }, ...this.keys].slice(0, 2);
    return kid;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Signs with the newest key; the header starts with the emulator marker (see EMULATOR_JWT_PREFIX). */
  async sign(payload: JWTPayload): Promise<string> {
    const key = this.keys[0]!;
    return new SignJWT(payload)
      .setProtectedHeader({ ...EMULATOR_JWT_HEADER_MEMBER, alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }
}
