import { describe, expect, test } from 'vitest'
import {
  skippedPlace,
  type PlaceTool
} from '../../../src/gitops/places/context.js'
import { MAX_PLACES, placesByPin } from '../../../src/gitops/places/index.js'
import { placeChanges, renderPlaces } from '../../../src/gitops/tools/index.js'
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

describe('placeChanges: what the preview renders', () => {
  const pin = (file: string, from: string) => ({
    file,
    line: 5,
    path: 'spec.source.targetRevision',
    kind: 'argocd-application',
    from,
    to: '1.5.0'
  })

  test(`each place carries its pin's versions; all ${MAX_PLACES} are rendered, the next is listed`, () => {
    const count = MAX_PLACES + 1
    const files = Array.from({ length: count }, (_, i) => `apps/a${i}.yaml`)
    const changes = placeChanges(
      files.map((file, i) => pin(file, `1.${i % 4}.0`)),
      options(Object.fromEntries(files.map(file => [file, APP])))
    )
    expect(changes).toHaveLength(count)
    expect(changes[3].versions).toEqual({ old: '1.3.0', new: '1.5.0' })
    expect(changes[3].place).toMatchObject({ file: 'apps/a3.yaml' })
    expect(
      changes.slice(0, MAX_PLACES).map(({ place }) => place.skipped)
    ).toEqual(Array(MAX_PLACES).fill(undefined))
    expect(changes[MAX_PLACES].place).toMatchObject({
      file: `apps/a${MAX_PLACES}.yaml`,
      skipped: `not rendered: more than ${MAX_PLACES} places in one pull request`
    })
  })
})

describe('placesByPin: the tools it is given', () => {
  const widgets: PlaceTool = {
    kinds: ['widget-gadget'],
    places: (pin, manifest, at, context) => [
      skippedPlace(
        at,
        `${String(manifest.value.kind)} at ${pin.path}`,
        context.chartRef,
        'a widget'
      )
    ]
  }
  const widgetPin = {
    file: 'w.yaml',
    line: 1,
    path: 'spec.version',
    kind: 'widget-gadget'
  }

  test('each pin goes to the tool whose kinds hold it', () => {
    const [places] = placesByPin(
      [widgets],
      [widgetPin],
      options({ 'w.yaml': 'kind: Gadget\nspec: {version: 1.0.0}\n' })
    )
    expect(places).toMatchObject([
      {
        file: 'w.yaml',
        line: 1,
        title: 'Gadget at spec.version',
        skipped: 'a widget'
      }
    ])
  })

  test('a pin of a kind no tool holds is a fault of the code, said', () => {
    expect(() =>
      placesByPin([], [widgetPin], options({ 'w.yaml': 'kind: Gadget\n' }))
    ).toThrow('no GitOps tool renders a pin of kind widget-gadget')
  })
})
