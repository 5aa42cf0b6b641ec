// What the registry client and writer are asked to reach, checked before any
// request: the registry's URL, repository names, references, and the token
// scopes that go with them. Pure: no I/O.
import { UserError } from '../errors.js'
import {
  isDigest,
  isRegistryHost,
  isRepositoryPath,
  isTag
} from './reference.js'

/** The base URL of the `registry` input: host[:port] and nothing else. */
export function registryUrl(registry: string, plainHttp: boolean): URL {
  const scheme = plainHttp ? 'http' : 'https'
  let url: URL | undefined
  try {
    // Parsed as well: the host rule does not know that ports end at 65535.
    url = isRegistryHost(registry)
      ? new URL(`${scheme}://${registry}`)
      : undefined
  } catch {
    url = undefined
  }
  if (!url)
    throw new UserError(
      `The 'registry' input "${registry}" is not a host[:port] (e.g. ghcr.io or ` +
        "registry.example.com:5000). Put the path in 'repository'."
    )
  // Docker Hub's API lives on registry-1.docker.io, as Helm and Docker know.
  if (url.hostname === 'docker.io') url.hostname = 'registry-1.docker.io'
  return url
}

/** Refuses a repository name the distribution spec does not allow. */
export function checkRepository(repository: string): void {
  if (!isRepositoryPath(repository))
    throw new UserError(
      `The repository "${repository}" is not a valid OCI repository name ` +
        "(lowercase letters, digits, separators . _ - and /). Fix the 'repository' input."
    )
}

/** Refuses a reference that is neither a tag nor a digest. */
export function checkReference(reference: string): void {
  if (!isTag(reference) && !isDigest(reference))
    throw new UserError(
      `"${reference}" is not a valid OCI tag or digest (tags: letters, digits, _ . -, ` +
        'at most 128 characters; Helm writes a version\'s "+" as "_").'
    )
}

/** Refuses what is not a digest (`algorithm:encoded`). */
export function checkDigest(digest: string): void {
  if (!isDigest(digest))
    throw new UserError(
      `"${digest}" is not a valid OCI digest (algorithm:hex, e.g. sha256:...).`
    )
}

/** Whether a checked reference is a digest (a tag never holds a colon). */
export function isDigestReference(reference: string): boolean {
  return isDigest(reference) && !isTag(reference)
}

/** The pull scope of a repository, as tokens are granted for it. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`
}

/**
 * The scope of a write: push alone is not enough, since a push also reads
 * (HEAD of blobs, the upload's own state) and registries expect both.
 */
export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`
}
