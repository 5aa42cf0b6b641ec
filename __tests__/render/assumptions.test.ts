// What the preview says it assumed: the tools' own Helm, the cluster's
// Kubernetes version and API versions, only where a place does not say them.
import { expect, test } from 'vitest'
import {
  assumptions,
  type AssumptionInput
} from '../../src/render/assumptions.js'
import type { RenderPlace } from '../../src/render/place.js'

const place = (overrides: Partial<RenderPlace> = {}): RenderPlace => ({
  file: 'apps/web.yaml',
  line: 1,
  title: 'web',
  chartRef: 'oci://r.example/charts/web',
  releaseName: 'web',
  valueFiles: [],
  setValues: [],
  includeCrds: true,
  apiVersions: [],
  notes: [],
  ...overrides
})
const said = { kubeVersion: '1.31', apiVersions: ['x.io/v1'] }
const input = (overrides: Partial<AssumptionInput> = {}): AssumptionInput => ({
  helmVersion: '4.2.3',
  helmChosen: false,
  apiVersions: [],
  ...overrides
})
const DEFAULT_KUBE =
  "Helm's default Kubernetes version, not the cluster's (set gitops-kube-version)"
const BUILT_IN_APIS =
  "Helm's built-in API versions only, none of the cluster's CRDs (set gitops-api-versions)"

test.each<[string, RenderPlace[], AssumptionInput, string[]]>([
  ['no places: nothing', [], input(), []],
  ['a place that says it all: nothing', [place(said)], input(), []],
  [
    "the user's own Helm (an umbrella chart), no cluster given",
    [place()],
    input(),
    [DEFAULT_KUBE, BUILT_IN_APIS]
  ],
  [
    "tools with a Helm of their own, named once each, with the input's hint",
    [
      place({ ...said, helmOf: 'Flux' }),
      place({ ...said, helmOf: 'Argo CD' }),
      place({ ...said, helmOf: 'Flux' })
    ],
    input(),
    [
      'Argo CD and Flux render with Helm 4.2.3 (set gitops-render-helm-version to theirs)'
    ]
  ],
  [
    'the Helm gitops-render-helm-version named',
    [place({ ...said, helmOf: 'Argo CD' })],
    input({ helmVersion: '3.17.3', helmChosen: true }),
    ['Argo CD renders with Helm 3.17.3 (gitops-render-helm-version)']
  ],
  [
    'the inputs stand in for the cluster',
    [place(), place(said)],
    input({ kubeVersion: 'v1.30.2', apiVersions: ['a/v1'] }),
    [
      'Kubernetes v1.30.2 (gitops-kube-version)',
      'the API versions of gitops-api-versions'
    ]
  ]
])('%s', (_, places, given, expected) => {
  expect(assumptions(places, given)).toEqual(expected)
})
