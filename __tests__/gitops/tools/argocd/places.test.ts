// Argo CD applies no Helm test hook: every place of an Application or an
// ApplicationSet says so, whatever its Helm settings.
import { describe, expect, test } from 'vitest'
import { build, lines, type Repository } from '../../places/build.js'

const SOURCE = [
  '  source:',
  '    repoURL: oci://ghcr.io/acme/charts',
  '    chart: webapp',
  '    targetRevision: 1.4.0'
]

const application: Repository = {
  manifests: {
    'apps/web.yaml': lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: web}',
      'spec:',
      ...SOURCE
    )
  }
}

const applicationSet: Repository = {
  manifests: {
    'apps/shops.yaml': lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'metadata: {name: shops}',
      'spec:',
      '  generators: [{list: {elements: [{shop: eu}, {shop: us}]}}]',
      '  template:',
      "    metadata: {name: '{{shop}}-web'}",
      '    spec:',
      ...SOURCE.map(row => `    ${row}`)
    )
  }
}

describe('Argo CD places: Helm test hooks', () => {
  test.each([
    ['an Application', application, 1],
    ['each Application of an ApplicationSet', applicationSet, 2]
  ])('%s leaves test hooks out, saying why', (_name, repository, count) => {
    const { places } = build(repository)
    expect(places).toHaveLength(count)
    for (const place of places)
      expect(place.hooks).toEqual({
        which: 'tests',
        why: 'Argo CD does not run them'
      })
  })
})
