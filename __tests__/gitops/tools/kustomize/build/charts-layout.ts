// Per-environment kustomizations inflating podinfo with `helmCharts` (the
// layout kustomize's own helm example uses: a base, and an overlay per
// environment naming the chart and its version), for the #24 tests.
export interface ChartsLayoutOptions {
  /** A version in the base's own helmCharts entry (then the overlays have none). */
  base?: string
  staging?: string
  production?: string
  /** The entry's repo. */
  repo?: string
}

const kustomization = (
  resources: string[],
  version: string | undefined,
  repo: string,
  replicas: number
): string =>
  [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'namespace: podinfo',
    'resources:',
    ...resources.map(r => `  - ${r}`),
    ...(version === undefined
      ? []
      : [
          'helmCharts:',
          '  - name: podinfo',
          `    version: ${version}`,
          `    repo: ${repo}`,
          '    releaseName: podinfo',
          '    valuesInline:',
          `      replicaCount: ${replicas}`
        ]),
    ''
  ].join('\n')

/** The layout's files by repository path. */
export function helmChartsLayout(
  options: ChartsLayoutOptions
): Map<string, string> {
  const repo = options.repo ?? 'oci://ghcr.io/acme/charts'
  return new Map([
    [
      'base/namespace.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n'
    ],
    [
      'base/kustomization.yaml',
      kustomization(['namespace.yaml'], options.base, repo, 1)
    ],
    [
      'envs/staging/kustomization.yaml',
      kustomization(['../../base'], options.staging, repo, 2)
    ],
    [
      'envs/production/kustomization.yaml',
      kustomization(['../../base'], options.production, repo, 3)
    ]
  ])
}
