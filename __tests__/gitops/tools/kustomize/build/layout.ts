// Flux's example layout (fluxcd/flux2-kustomize-helm-example: apps/base/
// podinfo + apps/staging and apps/production overlays patching the
// HelmRelease), written here with an OCI HelmRepository, for the overlay
// tests. `version` options say where the chart's version is written.
export interface LayoutOptions {
  base?: string
  staging?: string
  production?: string
  /** The registry the HelmRepository points at. */
  url?: string
}

const release = (version: string | undefined): string =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    '  name: podinfo',
    '  namespace: podinfo',
    'spec:',
    '  interval: 50m',
    '  releaseName: podinfo',
    '  chart:',
    '    spec:',
    '      chart: podinfo',
    ...(version === undefined ? [] : [`      version: ${version}`]),
    '      sourceRef:',
    '        kind: HelmRepository',
    '        name: podinfo',
    '  values:',
    '    replicaCount: 1',
    '    ui:',
    '      message: base',
    ''
  ].join('\n')

const overlay = (version: string | undefined, env: string): string =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    '  name: podinfo',
    '  namespace: podinfo',
    'spec:',
    ...(version === undefined
      ? []
      : ['  chart:', '    spec:', `      version: ${version}`]),
    '  values:',
    `    replicaCount: ${env === 'staging' ? 2 : 3}`,
    '    ui:',
    `      message: ${env}`,
    ''
  ].join('\n')

const envKustomization = [
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'resources:',
  '  - ../base/podinfo',
  'patches:',
  '  - path: podinfo-values.yaml',
  '    target:',
  '      kind: HelmRelease',
  ''
].join('\n')

/** The layout's files, by repository path. */
export function fluxExampleLayout(
  options: LayoutOptions = {}
): Map<string, string> {
  const url = options.url ?? 'oci://ghcr.io/acme/charts'
  return new Map([
    [
      'apps/base/podinfo/kustomization.yaml',
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: podinfo',
        'resources:',
        '  - namespace.yaml',
        '  - repository.yaml',
        '  - release.yaml',
        ''
      ].join('\n')
    ],
    [
      'apps/base/podinfo/namespace.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n'
    ],
    [
      'apps/base/podinfo/repository.yaml',
      [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: HelmRepository',
        'metadata:',
        '  name: podinfo',
        '  namespace: podinfo',
        'spec:',
        '  type: oci',
        '  interval: 5m',
        `  url: ${url}`,
        ''
      ].join('\n')
    ],
    ['apps/base/podinfo/release.yaml', release(options.base)],
    ['apps/staging/kustomization.yaml', envKustomization],
    ['apps/staging/podinfo-values.yaml', overlay(options.staging, 'staging')],
    ['apps/production/kustomization.yaml', envKustomization],
    [
      'apps/production/podinfo-values.yaml',
      overlay(options.production, 'production')
    ]
  ])
}
