import { describe, expect, it } from 'vitest'
import {
  cosignSignStatement,
  provenanceStatement,
  simpleSigningPayload
} from '../../src/signing/payloads.js'
import { claims } from '../helpers/workflow-claims.js'

const digest = `sha256:${'ab'.repeat(32)}`
const subject = { name: 'ghcr.io/acme/charts/app', digest }

describe('simpleSigningPayload', () => {
  it("is cosign's Simple Signing JSON, field for field, naming the digest", () => {
    expect(simpleSigningPayload(subject).toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"ghcr.io/acme/charts/app"},` +
        `"image":{"docker-manifest-digest":"${digest}"},` +
        `"type":"cosign container image signature"},"optional":null}`
    )
  })
})

describe('cosignSignStatement', () => {
  it('is the in-toto v1 statement cosign 3 signs: the digest alone, no name', () => {
    const statement = JSON.parse(cosignSignStatement(subject).toString())
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: 'ab'.repeat(32) }, annotations: {} }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {}
    })
  })
})

describe('provenanceStatement', () => {
  const statement = JSON.parse(
    provenanceStatement(subject, claims, 'https://github.com/').toString()
  )
  it('splits the workflow path from a ref that holds @', () => {
    expect(statement.predicate.buildDefinition.externalParameters).toEqual({
      workflow: {
        ref: 'refs/tags/app@1.2.0',
        repository: 'https://github.com/acme/charts',
        path: '.github/workflows/release.yml'
      }
    })
  })
  it('names the builder, the commit and the run attempt', () => {
    expect(statement.predicate.runDetails).toEqual({
      builder: {
        id: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/tags/app@1.2.0'
      },
      metadata: {
        invocationId:
          'https://github.com/acme/charts/actions/runs/1001/attempts/2'
      }
    })
    expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([
      {
        uri: 'git+https://github.com/acme/charts@refs/tags/app@1.2.0',
        digest: { gitCommit: claims.sha }
      }
    ])
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1')
  })
})
