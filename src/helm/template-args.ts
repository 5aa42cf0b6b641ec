// The `helm template` command line of the preview, and the rules every value
// from a GitOps file, a chart or a registry must pass to be on it. Those
// values are written by people who must not reach the publishing runner: a
// release name `--set-file=x=/proc/self/environ` or `--post-renderer=sh`
// would be read as an option. So each value is checked against the rule of
// what it is, options take their value in the `--flag=value` form (a value
// can never be read as an option), and the release name and chart come
// after `--` (cobra, which Helm's command line is built on, reads everything
// after it as positional arguments). Pure: no I/O.

/** `helm template` of one chart; see `templateArgs`. */
export interface TemplateRequest {
  releaseName: string
  /** A chart package (.tgz) or chart folder: an absolute path of ours. */
  chart: string
  namespace?: string
  /** Absolute paths of ours for `--values`, in order. */
  valuesFiles: readonly string[]
  /** `--set`, `--set-string` or `--set-file` with its `path=value`, in order. */
  sets: readonly {
    flag: '--set' | '--set-string' | '--set-file'
    /** Checked with `setPathProblem`; a `--set-file` value is a path of ours. */
    path: string
    value: string
  }[]
  includeCrds: boolean
  kubeVersion?: string
  apiVersions: readonly string[]
  /** `--skip-schema-validation` (Helm 3.16 and later): see render/schema-refs.ts. */
  skipSchemaValidation?: boolean
  /** `--skip-tests`: no test hooks. */
  skipTests?: boolean
  /** `--no-hooks`: no hooks at all. */
  noHooks?: boolean
}

// Helm's release-name rule, pkg/chart/v2/util/validate_name.go (v4.2.3;
// pkg/chartutil in Helm 3): a DNS-1123 subdomain, at most 53 characters.
const RELEASE_NAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
export const MAX_RELEASE_NAME = 53
// A Kubernetes namespace: a DNS-1123 label.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
export const MAX_NAMESPACE = 63
// What `--kube-version` takes (a semantic version, `v` optional, minor and
// patch optional as Masterminds/semver reads it): 1.30, v1.30.2, 1.30.2-gke.1.
const KUBE_VERSION =
  /^v?\d{1,4}(\.\d{1,4}){0,2}(-[0-9A-Za-z.-]{1,64})?(\+[0-9A-Za-z.-]{1,64})?$/
// `--api-versions`: `v1`, `apps/v1` or `monitoring.coreos.com/v1/ServiceMonitor`.
// Helm splits the flag's value on commas, so none is allowed.
const API_SEGMENT = '[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?'
const API_VERSION = new RegExp(`^${API_SEGMENT}(/${API_SEGMENT}){0,2}$`)
const MAX_API_VERSION = 253
// A `--set` path: Helm splits the flag's value on `,` into assignments and
// each on `=`; in `--set-file` the part after `=` is a file Helm reads, so a
// path holding either could name a file of the runner.
const MAX_SET_PATH = 256

/** Why `name` is not a release name Helm accepts, or undefined. */
export function releaseNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty'
  if (name.length > MAX_RELEASE_NAME)
    return `it is longer than ${MAX_RELEASE_NAME} characters`
  if (!RELEASE_NAME.test(name))
    return 'it may hold only lowercase letters, digits, - and ., starting and ending with a letter or digit'
  return undefined
}

/** Why `namespace` is not a Kubernetes namespace (a DNS-1123 label), or undefined. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length > MAX_NAMESPACE)
    return `it is longer than ${MAX_NAMESPACE} characters`
  if (!NAMESPACE.test(namespace))
    return 'it may hold only lowercase letters, digits and -, starting and ending with a letter or digit'
  return undefined
}

/** Why `version` is not a Kubernetes version `--kube-version` takes, or undefined. */
export function kubeVersionProblem(version: string): string | undefined {
  return KUBE_VERSION.test(version)
    ? undefined
    : 'it must be a version such as 1.30 or v1.30.2'
}

/** Why `api` is not an API version `--api-versions` takes, or undefined. */
export function apiVersionProblem(api: string): string | undefined {
  if (api.length <= MAX_API_VERSION && API_VERSION.test(api)) return undefined
  return 'it must be group/version or group/version/Kind, e.g. monitoring.coreos.com/v1'
}

/** Why `path` cannot be a `--set` path of the preview, or undefined. */
export function setPathProblem(path: string): string | undefined {
  if (path === '') return 'it is empty'
  if (path.length > MAX_SET_PATH)
    return `it is longer than ${MAX_SET_PATH} characters`
  // eslint-disable-next-line no-control-regex
  if (/[=,\s\x00-\x1f\x7f]/.test(path))
    return 'it must not hold =, a comma, a space or a control character'
  if (path.startsWith('-')) return 'it must not start with -'
  return undefined
}

/** Why `file` is not an absolute path of ours, or undefined. */
function ownPathProblem(file: string): string | undefined {
  return /^(\/|[A-Za-z]:[\\/])/.test(file)
    ? undefined
    : 'it is not an absolute path'
}

/** A `--set-file` file: Helm would split its path on a comma. */
function setFileProblem(file: string): string | undefined {
  if (file.includes(',')) return 'it holds a comma'
  return ownPathProblem(file)
}

type Rule = (value: string) => string | undefined
type Check = [what: string, value: string, rule: Rule]

function each(what: string, values: readonly string[], rule: Rule): Check[] {
  return values.map(value => [what, value, rule])
}

/** The first value of `request` that must not reach Helm, named, or undefined. */
export function templateRequestProblem(
  request: TemplateRequest
): string | undefined {
  const files = request.sets.filter(set => set.flag === '--set-file')
  const checks: Check[] = [
    ['the release name', request.releaseName, releaseNameProblem],
    ['the chart', request.chart, ownPathProblem],
    ...each('a values file', request.valuesFiles, ownPathProblem),
    ...request.sets.map((set): Check => [
      `the ${set.flag} path`,
      set.path,
      setPathProblem
    ]),
    ...each(
      'a --set-file file',
      files.map(set => set.value),
      setFileProblem
    ),
    ...each('an API version', request.apiVersions, apiVersionProblem)
  ]
  if (request.namespace)
    checks.push(['the namespace', request.namespace, namespaceProblem])
  if (request.kubeVersion)
    checks.push([
      'the Kubernetes version',
      request.kubeVersion,
      kubeVersionProblem
    ])
  for (const [what, value, rule] of checks) {
    const why = rule(value)
    if (why) return `${what} ${quoted(value)} is refused: ${why}`
  }
  return undefined
}

/** A value from outside, quoted for a message and cut to a readable length. */
export function quoted(value: string): string {
  const cut = value.length > 80 ? `${value.slice(0, 80)}…` : value
  return JSON.stringify(cut)
}

/**
 * The arguments of `helm template`; `--skip-crds` mirrors Argo CD's
 * `skipCrds`. Call `templateRequestProblem` first: this throws on a request
 * it refuses, so that no unchecked value ever reaches Helm.
 */
export function templateArgs(request: TemplateRequest): string[] {
  const problem = templateRequestProblem(request)
  if (problem) throw new Error(`helm template not run: ${problem}`)
  const args = ['template']
  if (request.namespace) args.push(`--namespace=${request.namespace}`)
  for (const file of request.valuesFiles) args.push(`--values=${file}`)
  for (const set of request.sets)
    args.push(`${set.flag}=${set.path}=${set.value}`)
  args.push(request.includeCrds ? '--include-crds' : '--skip-crds')
  if (request.kubeVersion) args.push(`--kube-version=${request.kubeVersion}`)
  for (const api of request.apiVersions) args.push(`--api-versions=${api}`)
  if (request.skipSchemaValidation) args.push('--skip-schema-validation')
  if (request.skipTests) args.push('--skip-tests')
  if (request.noHooks) args.push('--no-hooks')
  args.push('--', request.releaseName, request.chart)
  return args
}
