// ECDSA P-256 verification of a signature over a digest the verifier is
// given, not the message: what Rekor does for a hashedrekord entry, which
// holds only the artifact's sha256 (rekor pkg/types/hashedrekord: the
// verifier's VerifySignature with options.WithDigest). node:crypto always
// hashes the message itself, so the Rekor double verifies with this: the
// textbook algorithm (SEC 1 v2, 4.1.4) over the curve's published constants
// (FIPS 186-4 D.1.2.3), in BigInt. Test code only: not constant-time.
import crypto from 'node:crypto'

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn
const A = P - 3n
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n
}

interface Point {
  x: bigint
  y: bigint
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m

/** a⁻¹ mod m by the extended Euclidean algorithm. */
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m]
  let [s0, s1] = [1n, 0n]
  while (r1 !== 0n) {
    const q = r0 / r1
    ;[r0, r1] = [r1, r0 - q * r1]
    ;[s0, s1] = [s1, s0 - q * s1]
  }
  return mod(s0, m)
}

/** p + q on the curve; undefined is the point at infinity. */
function add(p: Point | undefined, q: Point | undefined): Point | undefined {
  if (!p) return q
  if (!q) return p
  if (p.x === q.x && mod(p.y + q.y, P) === 0n) return undefined
  const slope =
    p.x === q.x
      ? mod((3n * p.x * p.x + A) * inverse(2n * p.y, P), P)
      : mod((q.y - p.y) * inverse(q.x - p.x, P), P)
  const x = mod(slope * slope - p.x - q.x, P)
  return { x, y: mod(slope * (p.x - x) - p.y, P) }
}

function multiply(k: bigint, point: Point): Point | undefined {
  let result: Point | undefined
  let addend: Point | undefined = point
  for (let bits = k; bits > 0n; bits >>= 1n) {
    if (bits & 1n) result = add(result, addend)
    addend = add(addend, addend)
  }
  return result
}

const toBigInt = (bytes: Buffer): bigint =>
  bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`)

/** r and s of a DER ECDSA-Sig-Value, or undefined when it is not one. */
function derSignature(der: Buffer): { r: bigint; s: bigint } | undefined {
  if (der[0] !== 0x30 || der[1] !== der.length - 2) return undefined
  const integers: bigint[] = []
  for (let at = 2; at < der.length;) {
    const length = der[at + 1]
    if (der[at] !== 0x02 || length === undefined || length > 33)
      return undefined
    integers.push(toBigInt(der.subarray(at + 2, at + 2 + length)))
    at += 2 + length
  }
  return integers.length === 2 ? { r: integers[0], s: integers[1] } : undefined
}

/** The curve point of a P-256 public key. */
function publicPoint(key: crypto.KeyObject): Point | undefined {
  if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return undefined
  const jwk = key.export({ format: 'jwk' })
  if (!jwk.x || !jwk.y) return undefined
  return {
    x: toBigInt(Buffer.from(jwk.x, 'base64url')),
    y: toBigInt(Buffer.from(jwk.y, 'base64url'))
  }
}

/**
 * Whether `signature` (DER) is `key`'s ECDSA P-256 signature over the
 * 32-byte `digest`. False for any other key type or a malformed signature.
 */
export function verifyDigestP256(
  key: crypto.KeyObject,
  digest: Buffer,
  signature: Buffer
): boolean {
  const q = publicPoint(key)
  const sig = derSignature(signature)
  if (!q || !sig || digest.length !== 32) return false
  const { r, s } = sig
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false
  const w = inverse(s, N)
  const point = add(
    multiply(mod(toBigInt(digest) * w, N), G),
    multiply(mod(r * w, N), q)
  )
  return point !== undefined && mod(point.x, N) === r
}
