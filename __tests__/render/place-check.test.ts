// A place's values from the GitOps repository, checked before Helm runs: the
// reason a refused place is not rendered is what the pull request shows.
import { expect, test } from 'vitest'
import { placeRefusal } from '../../src/render/place-check.js'
import type { RenderPlace } from '../../src/render/place.js'

const PLACE: RenderPlace = {
  file: 'apps/web.yaml',
  line: 9,
  title: 'Application web (spec.source)',
  chartRef: 'oci://r.example/charts/web',
  releaseName: 'web',
  namespace: 'apps',
  valueFiles: [],
  setValues: [{ path: 'image.tag', value: '1.2', forceString: false }],
  includeCrds: true,
  kubeVersion: '1.30',
  apiVersions: ['apps/v1'],
  notes: []
}

test.each<[string, Partial<RenderPlace>, string | undefined]>([
  ['a place Helm takes', {}, undefined],
  [
    'no namespace, no kube version',
    { namespace: undefined, kubeVersion: undefined },
    undefined
  ],
  [
    "Argo CD's releaseName --set-file=…",
    { releaseName: '--set-file=tier=/proc/self/environ' },
    'the release name "--set-file=tier=/proc/self/environ" is not one Helm accepts: it may hold only lowercase letters, digits, - and ., starting and ending with a letter or digit'
  ],
  [
    'an empty release name',
    { releaseName: '' },
    'the release name "" is not one Helm accepts: it is empty'
  ],
  [
    'a release name over 53 characters',
    { releaseName: 'a'.repeat(54) },
    `the release name "${'a'.repeat(54)}" is not one Helm accepts: it is longer than 53 characters`
  ],
  [
    'a namespace that is an option',
    { namespace: '-n=kube-system' },
    'the namespace "-n=kube-system" is not one Helm accepts: it may hold only lowercase letters, digits and -, starting and ending with a letter or digit'
  ],
  [
    'a kube version that is an option',
    { kubeVersion: '--post-renderer=sh' },
    'the Kubernetes version "--post-renderer=sh" is not one Helm accepts: it must be a version such as 1.30 or v1.30.2'
  ],
  [
    'an API version with a comma',
    { apiVersions: ['v1', 'apps/v1,x'] },
    'the API version "apps/v1,x" is not one Helm accepts: it must be group/version or group/version/Kind, e.g. monitoring.coreos.com/v1'
  ],
  [
    'a fileParameters name that names a file',
    {
      setValues: [
        {
          path: 'a=/etc/passwd,b',
          value: 'x',
          forceString: false,
          fromFile: true
        }
      ]
    },
    'the file parameter "a=/etc/passwd,b" is not one Helm accepts: it must not hold =, a comma, a space or a control character'
  ]
])('%s', (_what, change, reason) => {
  expect(placeRefusal({ ...PLACE, ...change })).toBe(reason)
})
