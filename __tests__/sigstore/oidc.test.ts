import { describe, expect, it } from 'vitest'
import {
  callingWorkflow,
  certificateIdentity,
  missingTokenError,
  parseClaims
} from '../../src/sigstore/oidc.js'
import { claims } from '../helpers/workflow-claims.js'

function jwt(payload: object): string {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256' })}.${part(payload)}.c2ln`
}

describe('parseClaims', () => {
  it('reads the GitHub claims, numbers as text, visibility when given', () => {
    const parsed = parseClaims(
      jwt({
        ...claims,
        run_id: 1001,
        repository_visibility: 'private',
        extra: 1
      })
    )
    expect(parsed).toEqual({ ...claims, repository_visibility: 'private' })
  })
  it('names the claims a token lacks', () => {
    const rest: Partial<typeof claims> = { ...claims }
    delete rest.job_workflow_ref
    delete rest.sha
    expect(() => parseClaims(jwt(rest))).toThrow(
      /sha, .*job_workflow_ref|job_workflow_ref/
    )
  })
  it.each([
    '',
    'a.b',
    'a.!!!.c',
    `x.${Buffer.from('[1]').toString('base64url')}.y`
  ])('refuses %j as not a JWT', token => {
    expect(() => parseClaims(token)).toThrow(/not a JWT/)
  })
})

describe('certificateIdentity', () => {
  it('is the workflow file at its ref on the server', () => {
    expect(certificateIdentity(claims, 'https://github.com/')).toBe(
      'https://github.com/acme/charts/.github/workflows/release.yml@refs/tags/app@1.2.0'
    )
  })
})

describe('missingTokenError', () => {
  it('names the input, the permission and shows the YAML', () => {
    const message = missingTokenError("'sign: true'").message
    expect(message).toContain("'sign: true' needs the workflow's OIDC token")
    expect(message).toContain('id-token: write')
    expect(message).toMatch(/^permissions:$/m)
  })
})

describe('callingWorkflow', () => {
  const caller = 'acme/charts/.github/workflows/release.yml@refs/tags/v1'
  it.each([
    ['the workflow itself signs', caller, undefined],
    [
      'a reusable workflow of another repository signs',
      'platform/workflows/.github/workflows/helm.yml@refs/tags/v2',
      { repository: 'acme/charts', workflowRef: caller }
    ],
    [
      'a reusable workflow of the same repository signs',
      'acme/charts/.github/workflows/shared.yml@refs/tags/v1',
      { repository: 'acme/charts', workflowRef: caller }
    ]
  ])('%s', (_, jobWorkflowRef, expected) => {
    expect(
      callingWorkflow({
        ...claims,
        repository: 'acme/charts',
        workflow_ref: caller,
        job_workflow_ref: jobWorkflowRef
      })
    ).toEqual(expected)
  })
})
