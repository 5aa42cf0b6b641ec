// A generated GitOps repository, deterministic for a given size: mostly the
// noise a real one holds (Deployments, Services, ConfigMaps, Ingresses,
// multi-document files, Argo CD and Flux objects for other charts and
// registries, a few non-YAML files) and about 7% files that pin the benchmark
// chart, in every form the action edits. Pure: it yields paths and texts.

/** The chart whose pins the benchmark bumps. */
export const CORPUS_CHART = {
  name: 'hello',
  registry: 'ghcr.io',
  repository: 'acme/charts'
} as const

/** The version the benchmark bumps every pin to (newer than all of them). */
export const CORPUS_NEW_VERSION = '2.0.0'

export interface CorpusFile {
  path: string
  text: string
  /** How many pins of CORPUS_CHART the file holds (each one changes). */
  pins: number
}

/** Share of the files that pin the chart. */
const PIN_SHARE = 0.07
/** Share of Argo CD / Flux objects for other charts (parsed, then left alone). */
const OTHER_CHART_SHARE = 0.15
/** Share of files the `**\/*.y{a,}ml` globs leave out. */
const NON_YAML_SHARE = 0.02
const FILES_PER_APP = 10
const APPS_PER_NAMESPACE = 10
const NAMESPACES_PER_CLUSTER = 20

/** mulberry32: a small seeded PRNG, so every run generates the same repository. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]

function oldVersion(random: Random): string {
  return `1.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`
}

const APP_NAMES = ['api', 'web', 'worker', 'billing', 'search', 'auth', 'cart']
const OTHER_CHARTS = ['redis', 'postgresql', 'nginx', 'prometheus', 'loki']
const OTHER_REGISTRIES = [
  'ghcr.io/other-org/charts',
  'registry-1.docker.io/bitnamicharts',
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts'
]
const HELM_REPOSITORY = 'acme-charts'

function deployment(random: Random, name: string, ns: string): string {
  const replicas = 1 + Math.floor(random() * 5)
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: ${name}
          image: ghcr.io/acme/${name}:${oldVersion(random)}
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: CHART_VERSION # not a pin: a plain env value
              value: "${oldVersion(random)}"
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
`
}

function service(name: string, ns: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - port: 80
      targetPort: 8080
`
}

function configMap(random: Random, name: string, ns: string): string {
  const entries = Array.from(
    { length: 3 + Math.floor(random() * 8) },
    (_, i) => `  key_${i}: "value ${Math.floor(random() * 1e6)}"`
  )
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
${entries.join('\n')}
  # mentions hello and ghcr.io/acme/charts in a comment, not a pin
`
}

function ingress(name: string, ns: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  rules:
    - host: ${name}.${ns}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: ${name}, port: {number: 80}}
`
}

/** An Argo CD Application or Flux HelmRelease for some other chart. */
function otherChart(random: Random, name: string, ns: string): string {
  const chart = pick(random, OTHER_CHARTS)
  const repo = pick(random, [...OTHER_REGISTRIES, 'ghcr.io/acme/charts'])
  if (random() < 0.6) {
    return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}-${chart}
  namespace: argocd
spec:
  project: ${ns}
  source:
    repoURL: ${repo}
    chart: ${chart}
    targetRevision: ${oldVersion(random)}
  destination:
    server: https://kubernetes.default.svc
    namespace: ${ns}
`
  }
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}-${chart}
  namespace: ${ns}
spec:
  interval: 10m
  chart:
    spec:
      chart: ${chart}
      version: "${oldVersion(random)}"
      sourceRef: {kind: HelmRepository, name: ${HELM_REPOSITORY}, namespace: flux-system}
`
}

const ACME = `${CORPUS_CHART.registry}/${CORPUS_CHART.repository}`

/** Pins of CORPUS_CHART, one form each; every form holds exactly one pin. */
const PIN_FORMS: readonly ((r: Random, name: string, ns: string) => string)[] =
  [
    (r, name, ns) => `# Argo CD Application, classic Helm-style source
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}-hello
  namespace: argocd
spec:
  project: ${ns}
  source:
    repoURL: ${ACME}
    chart: hello
    targetRevision: ${oldVersion(r)} # pinned
    helm:
      valuesObject: {replicaCount: 2}
  destination: {server: https://kubernetes.default.svc, namespace: ${ns}}
`,
    (r, name, ns) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}-hello-multi
  namespace: argocd
spec:
  project: ${ns}
  sources:
    - repoURL: https://github.com/acme/values.git
      targetRevision: main
      ref: values
    - repoURL: oci://${ACME}
      chart: hello
      targetRevision: '${oldVersion(r)}'
      helm:
        valueFiles: [$values/${ns}/${name}.yaml]
  destination: {server: https://kubernetes.default.svc, namespace: ${ns}}
`,
    (r, name, ns) => `# Argo CD 3.1+ native OCI source
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}-hello-oci
  namespace: argocd
spec:
  project: ${ns}
  source:
    repoURL: oci://${ACME}/hello
    targetRevision: ${oldVersion(r)}
    path: .
  destination: {server: https://kubernetes.default.svc, namespace: ${ns}}
`,
    (r, name, ns) => `apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata:
  name: ${name}-hello
  namespace: ${ns}
spec:
  interval: 10m
  url: oci://${ACME}/hello
  ref:
    tag: "${oldVersion(r)}"
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}-hello
  namespace: ${ns}
spec:
  interval: 10m
  chartRef: {kind: OCIRepository, name: ${name}-hello}
`,
    (r, name, ns) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}-hello
  namespace: ${ns}
spec:
  interval: 10m
  chart:
    spec:
      chart: hello
      version: ${oldVersion(r)}
      sourceRef:
        kind: HelmRepository
        name: ${HELM_REPOSITORY}
        namespace: flux-system
  values:
    replicaCount: 2
`,
    (r, name, ns) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}-hello
  namespace: argocd
spec:
  generators:
    - list:
        elements: [{cluster: a}, {cluster: b}]
  template:
    metadata: {name: '{{cluster}}-${name}-hello'}
    spec:
      project: ${ns}
      source:
        repoURL: ${ACME}
        chart: hello
        targetRevision: ${oldVersion(r)}
      destination: {name: '{{cluster}}', namespace: ${ns}}
`
  ]

/** The Flux HelmRepository every cluster's HelmReleases name. */
function helmRepository(): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: ${HELM_REPOSITORY}
  namespace: flux-system
spec:
  type: oci
  interval: 1h
  url: oci://${ACME}
`
}

function noise(random: Random, name: string, ns: string): string {
  const roll = random()
  if (roll < 0.3) return deployment(random, name, ns)
  if (roll < 0.45) return service(name, ns)
  if (roll < 0.65) return configMap(random, name, ns)
  if (roll < 0.75) return ingress(name, ns)
  // A multi-document file: Deployment, Service and ConfigMap together.
  return [
    deployment(random, name, ns),
    service(name, ns),
    configMap(random, name, ns)
  ].join('---\n')
}

/**
 * The files of a repository of `count` files:
 * clusters/<cluster>/<namespace>/<app>/<file>, plus one
 * flux-system/sources.yaml per cluster (counted in `count`).
 */
export function* corpusFiles(count: number, seed = 42): Generator<CorpusFile> {
  const random = prng(seed)
  const perCluster = FILES_PER_APP * APPS_PER_NAMESPACE * NAMESPACES_PER_CLUSTER
  let written = 0
  for (let cluster = 0; written < count; cluster++) {
    const root = `clusters/cluster-${cluster}`
    yield {
      path: `${root}/flux-system/sources.yaml`,
      text: helmRepository(),
      pins: 0
    }
    written++
    for (let i = 0; i < perCluster - 1 && written < count; i++, written++) {
      const ns = `ns-${Math.floor(i / (FILES_PER_APP * APPS_PER_NAMESPACE))}`
      const appIndex = Math.floor(i / FILES_PER_APP) % APPS_PER_NAMESPACE
      const app = `${APP_NAMES[appIndex % APP_NAMES.length]}-${appIndex}`
      const base = `${root}/${ns}/${app}/file-${i % FILES_PER_APP}`
      const roll = random()
      if (roll < NON_YAML_SHARE) {
        yield {
          path: `${base}.md`,
          text: `# ${app}\n\nchart: hello\n`,
          pins: 0
        }
      } else if (roll < NON_YAML_SHARE + PIN_SHARE) {
        const form = pick(random, PIN_FORMS)
        // Some pins sit in a multi-document file after unrelated objects.
        const text =
          random() < 0.3
            ? `${service(app, ns)}---\n${form(random, app, ns)}`
            : form(random, app, ns)
        yield { path: `${base}.yaml`, text, pins: 1 }
      } else if (roll < NON_YAML_SHARE + PIN_SHARE + OTHER_CHART_SHARE) {
        yield {
          path: `${base}.yaml`,
          text: otherChart(random, app, ns),
          pins: 0
        }
      } else {
        const ext = random() < 0.1 ? 'yml' : 'yaml'
        yield { path: `${base}.${ext}`, text: noise(random, app, ns), pins: 0 }
      }
    }
  }
}
