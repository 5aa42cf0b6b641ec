// The SLSA Provenance v1 schema accepts GitHub's build type example shape
// and refuses what the specs say MUST NOT be.
import { describe, expect, it } from 'vitest'
import {
  checkSlsaProvenance,
  exampleProvenance as provenance
} from './slsa-provenance.js'

const paths = (statement: unknown, options?: { buildType?: string }) =>
  checkSlsaProvenance(statement, options).map(
    e => `${e.instancePath} ${e.keyword}`
  )

describe('checkSlsaProvenance', () => {
  it('accepts GitHub workflow provenance', () => {
    expect(checkSlsaProvenance(provenance())).toEqual([])
  })

  it('refuses a statement that is not an in-toto v1 SLSA statement', () => {
    const wrongType = {
      ...provenance(),
      _type: 'https://in-toto.io/Statement/v0.1'
    }
    expect(paths(wrongType)).toContain('/_type const')
    const noSubject = { ...provenance(), subject: [] }
    expect(paths(noSubject)).toContain('/subject minItems')
    const s = provenance()
    s.subject[0].digest = { sha256: 'AB'.repeat(32) }
    expect(paths(s)).toContain('/subject/0/digest/sha256 pattern')
    const noPredicate = provenance() as Record<string, unknown>
    delete noPredicate.predicate
    expect(paths(noPredicate)).toContain(' required')
  })

  it('requires buildType, externalParameters and builder.id', () => {
    const s = provenance()
    delete s.predicate.buildDefinition.buildType
    delete (s.predicate.buildDefinition as Record<string, unknown>)
      .externalParameters
    delete s.predicate.runDetails.builder.id
    expect(paths(s, { buildType: undefined })).toEqual(
      expect.arrayContaining([
        '/predicate/buildDefinition required',
        '/predicate/runDetails/builder required'
      ])
    )
  })

  it('requires a resource descriptor to have a uri, digest or content', () => {
    const s = provenance()
    s.predicate.buildDefinition.resolvedDependencies.push({ name: 'helm' })
    expect(paths(s)).toContain(
      '/predicate/buildDefinition/resolvedDependencies/1 anyOf'
    )
  })

  it('requires RFC 3339 times', () => {
    const s = provenance()
    s.predicate.runDetails.metadata.startedOn = '2026-11-30 17:00'
    expect(paths(s)).toContain(
      '/predicate/runDetails/metadata/startedOn format'
    )
  })

  it("holds GitHub's build type to its parameters", () => {
    const extra = provenance()
    extra.predicate.buildDefinition.externalParameters.inputs = { a: 1 }
    expect(paths(extra)).toContain(
      '/predicate/buildDefinition/externalParameters additionalProperties'
    )
    const event = provenance()
    event.predicate.buildDefinition.internalParameters.github.event_name =
      'pull_request'
    expect(paths(event)).toContain(
      '/predicate/buildDefinition/internalParameters/github/event_name enum'
    )
    const noGithub = provenance()
    noGithub.predicate.buildDefinition.internalParameters = {} as never
    expect(paths(noGithub)).toContain(
      '/predicate/buildDefinition/internalParameters required'
    )
    const dotGit = provenance()
    ;(
      dotGit.predicate.buildDefinition.externalParameters.workflow as Record<
        string,
        string
      >
    ).repository = 'https://github.com/octo-org/charts.git'
    expect(paths(dotGit)).toContain(
      '/predicate/buildDefinition/externalParameters/workflow/repository not'
    )
  })

  it("ties the source dependency and the invocation to the workflow's repository", () => {
    const s = provenance()
    s.predicate.buildDefinition.resolvedDependencies[0].uri =
      'git+https://github.com/octo-org/charts@refs/heads/main'
    s.predicate.runDetails.metadata.invocationId =
      'https://github.com/evil/charts/actions/runs/1/attempts/1'
    expect(paths(s)).toEqual([
      '/predicate/buildDefinition/resolvedDependencies consistency',
      '/predicate/runDetails/metadata/invocationId consistency'
    ])
  })

  it('takes another build type only when told', () => {
    const s = provenance()
    s.predicate.buildDefinition.buildType = 'https://example.com/build/v1'
    s.predicate.buildDefinition.externalParameters = { anything: true }
    expect(paths(s)).toEqual(['/predicate/buildDefinition/buildType const'])
    expect(paths(s, { buildType: undefined })).toEqual([])
  })
})
