// The one copy of the registry's naming rules (hosts, repository paths,
// tags, digests, as the distribution spec has them) and of where a chart
// version goes. Pure: the inputs, publish and the mirror all ask here.
import { UserError } from '../errors.js'

// One path component of an OCI repository name, from the distribution spec:
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*'
const COMPONENT_RE = new RegExp(`^${COMPONENT}$`)
const REPOSITORY_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)
// host[:port]: DNS labels or a bracketed IPv6 address; no scheme, no path.
const HOST_RE =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/
// Tags and digests, from the distribution spec too.
const TAG_RE = /^\w[\w.-]{0,127}$/
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/

/** True when `name` can be one component of an OCI repository path. */
export function isRepositoryComponent(name: string): boolean {
  return COMPONENT_RE.test(name)
}

/** True when `path` is a valid OCI repository path (e.g. `org/charts/app`). */
export function isRepositoryPath(path: string): boolean {
  return REPOSITORY_RE.test(path)
}

/** True when `registry` is a host[:port] (host names are case-insensitive). */
export function isRegistryHost(registry: string): boolean {
  return HOST_RE.test(registry.toLowerCase())
}

/** True when `reference` is a valid OCI tag (e.g. `1.2.3_build.1`). */
export function isTag(reference: string): boolean {
  return TAG_RE.test(reference)
}

/** True when `reference` is a digest (`algorithm:encoded`). */
export function isDigest(reference: string): boolean {
  return DIGEST_RE.test(reference)
}

/**
 * Reduces the `registry` input to host[:port]. `oci://host` and `https://host`
 * are accepted; a path is refused with a pointer to `repository`.
 */
export function normalizeRegistry(input: string): string {
  const raw = input.trim()
  if (!raw) {
    throw new UserError(
      "Input 'registry' is empty: give the registry host, e.g. 'ghcr.io' or 'registry.example.com:5000'."
    )
  }
  if (/^http:\/\//i.test(raw)) {
    throw new UserError(
      `Input 'registry' is '${raw}': give the host alone and set 'plain-http: true' to talk HTTP.`
    )
  }
  const withoutScheme = raw.replace(/^(?:oci|https):\/\//i, '')
  const [host, ...rest] = withoutScheme.replace(/\/+$/, '').split('/')
  if (rest.length > 0) {
    throw new UserError(
      `Input 'registry' is '${raw}', which has a path ('${rest.join('/')}'): ` +
        `set 'registry: ${host}' and put the path in 'repository'.`
    )
  }
  const lower = host.toLowerCase()
  if (!isRegistryHost(lower)) {
    throw new UserError(
      `Input 'registry' is '${raw}', which is not a host[:port] (e.g. 'ghcr.io', 'localhost:5000').`
    )
  }
  return lower
}

/**
 * Normalizes the `repository` input: slashes trimmed, lowercased on GitHub's
 * registries (owners there are often mixed-case, package names never are);
 * anything else must already be a valid OCI repository path.
 */
export function normalizeRepository(
  input: string,
  registry: string,
  lowercase = registry === 'ghcr.io'
): string {
  let repository = input.trim().replace(/^\/+|\/+$/g, '')
  if (!repository) {
    throw new UserError(
      "Input 'repository' is empty: give the path in the registry, e.g. 'my-org/charts'."
    )
  }
  if (lowercase) repository = repository.toLowerCase()
  if (isRepositoryPath(repository)) return repository
  const hint =
    repository !== repository.toLowerCase()
      ? ` OCI repository names are lowercase: use '${repository.toLowerCase()}'.`
      : ' Use lowercase letters, digits, separators (., _, -) and / between parts.'
  throw new UserError(
    `Input 'repository' is '${input.trim()}', which is not a valid OCI repository path.${hint}`
  )
}

/** `oci://<registry>/<repository>`: where `helm push` sends the chart. */
export function pushTarget(registry: string, repository: string): string {
  return `oci://${registry}/${repository}`
}

/** `oci://<registry>/<repository>/<name>`: the chart's reference. */
export function chartRef(
  registry: string,
  repository: string,
  name: string
): string {
  return `${pushTarget(registry, repository)}/${name}`
}

/** The OCI tag Helm pushes for a chart version: `+` is not allowed in tags. */
export function ociTag(version: string): string {
  return version.replace(/\+/g, '_')
}

/** Where a chart version goes: `oci://<registry>/<repository>/<name>:<tag>`. */
export interface Target {
  registry: string
  repository: string
  /** `repository/name`: the chart's repository path in the registry. */
  repositoryPath: string
  /** The OCI tag: the version with `+` turned into `_`, as Helm pushes it. */
  tag: string
  /** `oci://<registry>/<repository>/<name>` */
  ref: string
}

/** The target of chart `name` at `version` under `registry`/`repository`. */
export function chartTarget(
  registry: string,
  repository: string,
  name: string,
  version: string
): Target {
  return {
    registry,
    repository,
    repositoryPath: `${repository}/${name}`,
    tag: ociTag(version),
    ref: chartRef(registry, repository, name)
  }
}

/** True for localhost, 127.0.0.0/8 and ::1 (with or without a port). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')
  return (
    host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  )
}
