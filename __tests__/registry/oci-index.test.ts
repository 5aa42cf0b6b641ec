// OCI image indexes as the referrers API serves them, and the types a
// manifest declares, without servers. The same indexes are read back from a
// real registry in writer.int.test.ts.
import { describe, expect, test } from 'vitest'
import { Failure } from '../../src/registry/failures.js'
import {
  manifestTypes,
  OCI_EMPTY,
  OCI_EMPTY_DIGEST,
  OCI_EMPTY_SIZE,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  parseOciIndex
} from '../../src/registry/oci-index.js'
import { sha256 } from '../../src/registry/manifest-answer.js'

const DIGEST = 'sha256:' + 'a'.repeat(64)
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json'

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

/** What parseOciIndex threw (fails the test when it did not). */
function refusal(value: unknown): Failure {
  try {
    parseOciIndex(typeof value === 'string' ? Buffer.from(value) : json(value))
  } catch (error) {
    expect(error).toBeInstanceOf(Failure)
    return error as Failure
  }
  return expect.unreachable('expected a Failure')
}

test('the empty descriptor: `{}`, 2 bytes, the digest OCI 1.1 names', () => {
  expect(sha256(Buffer.from('{}'))).toBe(OCI_EMPTY_DIGEST)
  expect(OCI_EMPTY_SIZE).toBe(2)
})

describe('parseOciIndex', () => {
  test('a referrers answer: descriptors with artifactType and annotations', () => {
    const index = {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [
        {
          mediaType: OCI_IMAGE_MANIFEST,
          digest: DIGEST,
          size: 1234,
          artifactType: BUNDLE,
          annotations: { 'org.opencontainers.image.created': '2025-01-01' }
        }
      ]
    }
    expect(parseOciIndex(json(index))).toEqual(index)
  })

  test('an empty referrers list, and an index without mediaType', () => {
    expect(parseOciIndex(json({ schemaVersion: 2, manifests: [] }))).toEqual({
      schemaVersion: 2,
      manifests: []
    })
  })

  test('fields it does not know (platform, data) are kept for a round trip', () => {
    const entry = {
      mediaType: OCI_IMAGE_MANIFEST,
      digest: DIGEST,
      size: 7,
      platform: { architecture: 'amd64', os: 'linux' },
      data: 'e30='
    }
    const parsed = parseOciIndex(json({ schemaVersion: 2, manifests: [entry] }))
    expect(JSON.parse(JSON.stringify(parsed))).toEqual({
      schemaVersion: 2,
      manifests: [entry]
    })
  })

  test.each([
    ['not JSON', '<html>404</html>', /not JSON/],
    ['a JSON array', [], /not a JSON object/],
    ['schemaVersion 1', { schemaVersion: 1, manifests: [] }, /schemaVersion 1/],
    ['no schemaVersion', { manifests: [] }, /schemaVersion none/],
    [
      'a manifest list media type',
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: []
      },
      /mediaType "application\/vnd\.docker/
    ],
    ['no manifests array', { schemaVersion: 2 }, /no manifests array/],
    [
      'a descriptor without digest',
      {
        schemaVersion: 2,
        manifests: [{ mediaType: OCI_IMAGE_MANIFEST, size: 1 }]
      },
      /entry 0 of the image index has no valid digest/
    ],
    [
      'a descriptor with a negative size',
      {
        schemaVersion: 2,
        manifests: [{ mediaType: OCI_IMAGE_MANIFEST, digest: DIGEST, size: -1 }]
      },
      /no valid size/
    ],
    [
      'a descriptor with a fractional size',
      {
        schemaVersion: 2,
        manifests: [
          { mediaType: OCI_IMAGE_MANIFEST, digest: DIGEST, size: 1.5 }
        ]
      },
      /no valid size/
    ],
    [
      'a descriptor without mediaType',
      { schemaVersion: 2, manifests: [{ digest: DIGEST, size: 1 }] },
      /has no mediaType/
    ],
    [
      'a descriptor that is a string',
      { schemaVersion: 2, manifests: [DIGEST] },
      /not a descriptor object/
    ],
    [
      'an artifactType that is a number',
      {
        schemaVersion: 2,
        manifests: [
          {
            mediaType: OCI_IMAGE_MANIFEST,
            digest: DIGEST,
            size: 1,
            artifactType: 3
          }
        ]
      },
      /artifactType that is not a string/
    ],
    [
      'annotations with a number',
      {
        schemaVersion: 2,
        manifests: [
          {
            mediaType: OCI_IMAGE_MANIFEST,
            digest: DIGEST,
            size: 1,
            annotations: { a: 1 }
          }
        ]
      },
      /annotations that are not an object of strings/
    ],
    [
      'index annotations that are an array',
      { schemaVersion: 2, manifests: [], annotations: ['x'] },
      /the image index has annotations/
    ]
  ])('refuses %s', (_name, value, reason) => {
    const failure = refusal(value)
    expect(failure.reason).toMatch(reason)
    expect(failure.fix).toMatch(/malformed image index/)
  })
})

describe('manifestTypes', () => {
  test.each([
    [
      'artifactType given',
      {
        mediaType: OCI_IMAGE_MANIFEST,
        artifactType: BUNDLE,
        config: { mediaType: OCI_EMPTY }
      },
      { mediaType: OCI_IMAGE_MANIFEST, artifactType: BUNDLE }
    ],
    [
      'no artifactType: the config media type (OCI 1.1)',
      {
        mediaType: OCI_IMAGE_MANIFEST,
        config: { mediaType: 'application/vnd.cncf.helm.config.v1+json' }
      },
      {
        mediaType: OCI_IMAGE_MANIFEST,
        artifactType: 'application/vnd.cncf.helm.config.v1+json'
      }
    ],
    [
      'no artifactType, empty config: none',
      { mediaType: OCI_IMAGE_MANIFEST, config: { mediaType: OCI_EMPTY } },
      { mediaType: OCI_IMAGE_MANIFEST, artifactType: undefined }
    ],
    [
      'an index',
      { mediaType: OCI_IMAGE_INDEX, manifests: [] },
      { mediaType: OCI_IMAGE_INDEX, artifactType: undefined }
    ],
    ['not an object', [1, 2], {}]
  ])('%s', (_name, manifest, expected) => {
    expect(manifestTypes(json(manifest))).toEqual(expected)
  })

  test('not JSON: nothing', () => {
    expect(manifestTypes(Buffer.from('nope'))).toEqual({})
  })
})
