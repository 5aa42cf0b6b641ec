// What a refused write means, without servers: answers other registries give
// (Harbor, ECR, ghcr.io, registries without OCI 1.1 artifacts) that the real
// distribution 2.8 in writer.int.test.ts does not.
import { describe, expect, test } from 'vitest'
import type { Answer } from '../../src/registry/answer.js'
import {
  writeFailure,
  type WriteTarget
} from '../../src/registry/write-failures.js'

const URL_ = new URL('https://registry.example/v2/org/sig/manifests/v1')
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

const BY_TAG: WriteTarget = {
  kind: 'manifest',
  reference: 'v1',
  byTag: true,
  mediaType: OCI_MANIFEST,
  artifactType: BUNDLE
}
const BY_DIGEST: WriteTarget = {
  ...BY_TAG,
  reference: 'sha256:' + 'c'.repeat(64),
  byTag: false
}

function answer(status: number, headers: Answer['headers'] = {}): Answer {
  return {
    status,
    headers,
    body: Buffer.alloc(0),
    tooLarge: false,
    url: URL_,
    attempts: 1
  }
}

const errors = (code: string, message: string): Buffer =>
  Buffer.from(JSON.stringify({ errors: [{ code, message }] }))

function explain(
  status: number,
  body: Buffer,
  target: WriteTarget,
  options: { withCredentials?: boolean; headers?: Answer['headers'] } = {}
): string {
  const failure = writeFailure({
    answer: answer(status, options.headers),
    repository: 'org/sig',
    body,
    withCredentials: options.withCredentials ?? true,
    target
  })
  return `${failure.reason}. ${failure.fix}`
}

describe('immutable tags', () => {
  test.each([
    ['409 (ACR, Artifactory)', 409, errors('DENIED', 'conflict')],
    ['TAG_INVALID', 400, errors('TAG_INVALID', 'manifest tag did not match')],
    [
      "Harbor's 412",
      412,
      errors('PRECONDITION', 'artifact org/sig:v1 is configured as immutable')
    ],
    [
      "ECR's ImageTagAlreadyExistsException",
      400,
      Buffer.from(
        JSON.stringify({ message: 'ImageTagAlreadyExistsException: tag v1' })
      )
    ]
  ])('%s: the tag is immutable', (_name, status, body) => {
    expect(explain(status, body, BY_TAG)).toMatch(
      /^the tag v1 is immutable: the registry refuses to overwrite it \(\d+ .+\)\. Push under another tag/
    )
  })

  test('a 409 on a push by digest is not about tags', () => {
    expect(explain(409, errors('DENIED', 'x'), BY_DIGEST)).not.toMatch(
      /immutable/
    )
  })
})

describe('push permission', () => {
  test('403 (ghcr.io without packages: write)', () => {
    expect(
      explain(403, errors('DENIED', 'permission_denied: write_package'), BY_TAG)
    ).toBe(
      'the credentials lack push permission on org/sig (403 DENIED: ' +
        'permission_denied: write_package). Give the credentials write (push) ' +
        "access to org/sig (on ghcr.io with GITHUB_TOKEN: 'permissions: packages: write')."
    )
  })

  test('401 insufficient_scope (a pull-only token)', () => {
    const message = explain(
      401,
      errors('UNAUTHORIZED', 'authentication required'),
      { kind: 'blob' },
      {
        headers: {
          'www-authenticate':
            'Bearer realm="https://auth.example/token",service="r",scope="repository:org/sig:pull,push",error="insufficient_scope"'
        }
      }
    )
    expect(message).toMatch(/^the credentials lack push permission on org\/sig/)
  })

  test('anonymous: set credentials', () => {
    expect(
      explain(
        403,
        Buffer.alloc(0),
        { kind: 'blob' },
        { withCredentials: false }
      )
    ).toBe(
      'the anonymous user lacks push permission on org/sig (403). Give the ' +
        "anonymous user write (push) access to org/sig, or set the 'username' " +
        "and 'password' inputs."
    )
  })

  test('401 without insufficient_scope: credentials refused for a push', () => {
    expect(explain(401, Buffer.alloc(0), { kind: 'blob' })).toMatch(
      /^the registry refused the credentials for a push to org\/sig \(401\)\. Check the 'username'/
    )
    expect(
      explain(
        401,
        Buffer.alloc(0),
        { kind: 'blob' },
        { withCredentials: false }
      )
    ).toMatch(
      /requires credentials to push to org\/sig \(401\) and none were given/
    )
  })
})

describe('artifact types the registry does not take', () => {
  test.each([
    ['MANIFEST_INVALID', 400, errors('MANIFEST_INVALID', 'manifest invalid')],
    ['UNSUPPORTED', 400, errors('UNSUPPORTED', 'artifact type not allowed')],
    ['415', 415, Buffer.alloc(0)]
  ])('%s names the media and artifact types', (_name, status, body) => {
    expect(explain(status, body, BY_DIGEST)).toMatch(
      new RegExp(
        `^the registry rejects manifests of media type ${OCI_MANIFEST.replace(/[.+]/g, '\\$&')} ` +
          `\\(artifactType ${BUNDLE.replace(/[.+]/g, '\\$&')}\\) \\(${status}.*\\)\\. This registry does not accept that artifact type`
      )
    )
  })

  test('without artifactType, only the media type', () => {
    const target: WriteTarget = { ...BY_DIGEST, artifactType: undefined }
    expect(explain(415, Buffer.alloc(0), target)).toMatch(
      /^the registry rejects manifests of media type \S+ \(415\)/
    )
  })

  test('a blob upload refused with MANIFEST_INVALID is not about media types', () => {
    expect(
      explain(400, errors('MANIFEST_INVALID', 'x'), { kind: 'blob' })
    ).toBe(
      "the registry answered 400 MANIFEST_INVALID: x. Check the 'registry' and 'repository' inputs."
    )
  })
})

test('MANIFEST_BLOB_UNKNOWN: push what it refers to first', () => {
  expect(
    explain(
      400,
      errors('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry'),
      BY_TAG
    )
  ).toMatch(/refers to content the repository does not have .* Push the blobs/)
})

test('anything else is worded as for reads (5xx after retries)', () => {
  expect(explain(503, errors('UNAVAILABLE', 'down'), { kind: 'blob' })).toBe(
    'the registry kept failing (503 UNAVAILABLE: down). The registry is unavailable; retry later or check its status.'
  )
})
