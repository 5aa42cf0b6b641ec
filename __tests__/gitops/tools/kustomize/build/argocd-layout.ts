// An Argo CD app-of-apps whose child Applications are Kustomize overlays
// (#24): a root Application per environment builds `apps/<env>`, which
// patches the base Application (a Helm chart source from an OCI registry)
// with its own targetRevision and values. `version` options say where the
// chart's version is written; `sources` patches give the multi-source form.
export interface ArgoLayoutOptions {
  base?: string
  staging?: string
  production?: string
  /** The base source's repoURL (default `ghcr.io/acme/charts`, Argo's Helm OCI form). */
  repoURL?: string
  /** The base source's chart; `null` writes none (a native OCI source). */
  chart?: string | null
  /** The GitOps repository's URL the root Applications build from. */
  gitUrl?: string
}

const application = (options: ArgoLayoutOptions): string =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: podinfo',
    '  namespace: argocd',
    'spec:',
    '  project: default',
    '  source:',
    `    repoURL: ${options.repoURL ?? 'ghcr.io/acme/charts'}`,
    ...(options.chart === null
      ? []
      : [`    chart: ${options.chart ?? 'podinfo'}`]),
    ...(options.base === undefined
      ? []
      : [`    targetRevision: ${options.base}`]),
    '    helm:',
    '      releaseName: podinfo',
    '      valuesObject:',
    '        replicaCount: 1',
    '        ui:',
    '          message: base',
    '          color: blue',
    '  destination:',
    '    server: https://kubernetes.default.svc',
    '    namespace: podinfo',
    ''
  ].join('\n')

/** Staging sets its values in valuesObject; production also by a parameter. */
const patch = (version: string | undefined, env: string): string =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: podinfo',
    'spec:',
    '  source:',
    ...(version === undefined ? [] : [`    targetRevision: ${version}`]),
    '    helm:',
    '      valuesObject:',
    ...(env === 'staging' ? ['        replicaCount: 2'] : []),
    '        ui:',
    `          message: ${env}`,
    ...(env === 'production'
      ? [
          '      parameters:',
          '        - name: replicaCount',
          '          value: "3"'
        ]
      : []),
    ''
  ].join('\n')

const envKustomization = (env: string): string =>
  [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    `nameSuffix: -${env}`,
    'resources:',
    '  - ../base/podinfo',
    'patches:',
    '  - path: podinfo-source.yaml',
    '    target:',
    '      kind: Application',
    ''
  ].join('\n')

/** The root Application of an environment: builds `apps/<env>` from git. */
const rootApplication = (env: string, gitUrl: string): string =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: apps-${env}`,
    '  namespace: argocd',
    'spec:',
    '  project: default',
    '  source:',
    `    repoURL: ${gitUrl}`,
    '    targetRevision: main',
    `    path: apps/${env}`,
    '  destination:',
    '    server: https://kubernetes.default.svc',
    '    namespace: argocd',
    ''
  ].join('\n')

/** The layout's files, by repository path. */
export function argoAppOfApps(
  options: ArgoLayoutOptions = {}
): Map<string, string> {
  const gitUrl = options.gitUrl ?? 'https://github.com/acme/gitops'
  return new Map([
    ['clusters/staging/apps.yaml', rootApplication('staging', gitUrl)],
    ['clusters/production/apps.yaml', rootApplication('production', gitUrl)],
    [
      'apps/base/podinfo/kustomization.yaml',
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - application.yaml',
        ''
      ].join('\n')
    ],
    ['apps/base/podinfo/application.yaml', application(options)],
    ['apps/staging/kustomization.yaml', envKustomization('staging')],
    ['apps/staging/podinfo-source.yaml', patch(options.staging, 'staging')],
    ['apps/production/kustomization.yaml', envKustomization('production')],
    [
      'apps/production/podinfo-source.yaml',
      patch(options.production, 'production')
    ]
  ])
}
