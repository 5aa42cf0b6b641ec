import { describe, expect, test } from 'vitest'
import { MAX_PLACES } from '../../../src/gitops/places/index.js'
import { renderPlaces } from '../../../src/gitops/tools/index.js'
import { CHART_REF, GITOPS_URLS, lines } from './build.js'

const options = (texts: Record<string, string>) => ({
  texts: new Map(Object.entries(texts)),
  readRepoFile: () => undefined,
  chartRef: CHART_REF,
  repositoryUrls: GITOPS_URLS
})

const APP = lines(
  'apiVersion: argoproj.io/v1alpha1',
  'kind: Application',
  'metadata: {name: web}',
  'spec:',
  '  source: {repoURL: oci://ghcr.io/acme/charts, chart: webapp, targetRevision: 1.4.0}'
)

describe('renderPlaces', () => {
  test('the document is found by the pin line, among several', () => {
    const text = `${APP}---\n${APP.replace('name: web', 'name: api')}`
    const places = renderPlaces(
      [
        {
          file: 'a.yaml',
          line: 10,
          path: 'spec.source.targetRevision',
          kind: 'argocd-application'
        }
      ],
      options({ 'a.yaml': text })
    )
    expect(places.map(place => place.releaseName)).toEqual(['api'])
  })

  test('a file not given, or no document at the line: skipped with why', () => {
    const places = renderPlaces(
      [
        {
          file: 'gone.yaml',
          line: 1,
          path: 'spec.source.targetRevision',
          kind: 'argocd-application'
        },
        {
          file: 'a.yaml',
          line: 99,
          path: 'spec.source.targetRevision',
          kind: 'argocd-application'
        }
      ],
      options({ 'a.yaml': APP })
    )
    expect(places.map(place => place.skipped)).toEqual([
      'not rendered: gone.yaml is not among the files read',
      'not rendered: no YAML document at a.yaml:99'
    ])
  })

  test(`at most ${MAX_PLACES} places are built; the rest are listed, skipped`, () => {
    const pin = {
      file: 'a.yaml',
      line: 5,
      path: 'spec.source.targetRevision',
      kind: 'argocd-application' as const
    }
    const places = renderPlaces(
      Array(MAX_PLACES + 2).fill(pin),
      options({ 'a.yaml': APP })
    )
    expect(places).toHaveLength(MAX_PLACES + 2)
    expect(places.filter(place => place.skipped)).toHaveLength(2)
  })

  test('merge keys are read as Kubernetes reads them', () => {
    const text = lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: web}',
      'spec:',
      '  source:',
      '    <<: {helm: {releaseName: merged}}',
      '    repoURL: oci://ghcr.io/acme/charts',
      '    chart: webapp',
      '    targetRevision: 1.4.0'
    )
    const places = renderPlaces(
      [
        {
          file: 'a.yaml',
          line: 9,
          path: 'spec.source.targetRevision',
          kind: 'argocd-application'
        }
      ],
      options({ 'a.yaml': text })
    )
    expect(places[0].releaseName).toBe('merged')
  })
})
