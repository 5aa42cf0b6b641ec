// Puts the requested Helm on PATH: resolve the version, reuse the runner's
// tool cache or download (checksum verified, the binary's version checked,
// then cached), like actions/setup-go.
import path from 'node:path'
import * as core from '@actions/core'
import * as io from '@actions/io'
// semver's functions one by one: its index loads all of semver on every run.
import semverLt from 'semver/functions/lt.js'
import semverMajor from 'semver/functions/major.js'
import { errorMessage, UserError } from '../errors.js'
import {
  binaryName,
  latestVersionFile,
  MIN_HELM_VERSION,
  parseDownloadBaseUrl,
  parseHelmVersionSpec,
  parseLatestVersion,
  unsupportedVersionProblem,
  type HelmChannel,
  type HelmVersionSpec
} from './download-site.js'
import { getText, retried, type Site } from './fetch.js'
import { reportedVersion } from './helm-version.js'
import { helmPlatform } from './platform.js'
import type { RetryPolicy } from '../retry.js'
import { cachedBinaryProblem, findInToolCache } from './tool-cache.js'

export interface InstallHelmOptions {
  /** The `helm-version` input, as given or already parsed. */
  versionSpec: string | HelmVersionSpec
  /** The `helm-download-url` input. */
  downloadBaseUrl: string
  /** Retries of the downloads; what is not given comes from DEFAULT_RETRY. */
  retry?: Partial<RetryPolicy>
  /**
   * False: the binary is not put on PATH (the preview's Helm of
   * `gitops-render-helm-version`, so that later steps keep the action's).
   */
  addToPath?: boolean
  /** The input that asked for this Helm, for messages; `helm-version` when not given. */
  input?: string
}

export interface InstalledHelm {
  /** Absolute path of the helm binary. */
  path: string
  /**
   * Without `v`, e.g. '4.1.4': what the binary reported when it was
   * downloaded (then cached under it) or, for `system`, now.
   */
  version: string
  major: number
  source: 'cache' | 'download' | 'system'
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000
}

const TOOL_NAME = 'helm'
// The runner's tool cache names architectures the Node way (x64, arm64).
const TOOL_ARCH = process.arch

/**
 * Installs the Helm that `versionSpec` asks for and puts it on PATH, or finds
 * the one already there for `system` and asks it its version.
 */
export async function installHelm(
  options: InstallHelmOptions
): Promise<InstalledHelm> {
  const spec =
    typeof options.versionSpec === 'string'
      ? parseHelmVersionSpec(options.versionSpec)
      : options.versionSpec
  if (spec.kind === 'system') return useSystemHelm()
  const base = parseDownloadBaseUrl(options.downloadBaseUrl)
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const version =
    spec.kind === 'exact'
      ? spec.version
      : await resolveChannel(
          await downloadSite(base, retry),
          spec.channel,
          options.input ?? 'helm-version'
        )
  const platform = helmPlatform()
  const cached = findInToolCache(TOOL_NAME, version, TOOL_ARCH)
  if (cached) {
    const binary = path.resolve(cached, binaryName(platform))
    core.info(`Helm ${version}: found in the tool cache at ${cached}`)
    // No `helm version` here: the binary reported its version before it was
    // cached, and only a complete, checked entry carries the marker.
    const problem = cachedBinaryProblem(binary)
    if (problem) {
      throw new UserError(
        `The tool cache entry of Helm ${version} at ${cached} is damaged: ` +
          `${problem}. Remove it (and ${cached}.complete) and re-run.`
      )
    }
    if (options.addToPath !== false) core.addPath(path.dirname(binary))
    return installed(binary, version, 'cache')
  }
  // Only a cache miss loads the download code and its HTTP client.
  const { downloadHelm } = await import('./download.js')
  const site = await downloadSite(base, retry)
  const toolDir = await downloadHelm(site, version, platform, {
    tool: TOOL_NAME,
    arch: TOOL_ARCH
  })
  const binary = path.resolve(toolDir, binaryName(platform))
  if (options.addToPath !== false) core.addPath(toolDir)
  return installed(binary, version, 'download')
}

/** The download site and its HTTP client, loaded when something is fetched. */
async function downloadSite(base: string, retry: RetryPolicy): Promise<Site> {
  const { HttpClient } = await import('@actions/http-client')
  return {
    base,
    retry,
    client: new HttpClient('helm-oci-release', [], {
      allowRetries: false,
      socketTimeout: 60_000
    })
  }
}

function installed(
  binary: string,
  version: string,
  source: InstalledHelm['source']
): InstalledHelm {
  return { path: binary, version, major: semverMajor(version), source }
}

/** `latest`, `3` or `4` -> the version the download site names as newest. */
async function resolveChannel(
  site: Site,
  channel: HelmChannel,
  input: string
): Promise<string> {
  const url = `${site.base}/${latestVersionFile(channel)}`
  let version: string
  try {
    const body = await retried(url, site.retry, () => getText(site.client, url))
    version = parseLatestVersion(body, channel)
  } catch (error) {
    throw new UserError(
      `Could not find the newest Helm for ${input} '${channel}' at ` +
        `${url}: ${errorMessage(error)}. The action will not fall back to ` +
        'another Helm version: make that URL reachable (or point ' +
        'helm-download-url at a mirror that serves it), or set an exact ' +
        `${input} such as '3.17.3'.`,
      { cause: error }
    )
  }
  const problem = unsupportedVersionProblem(version)
  if (problem) {
    throw new UserError(
      `${input} '${channel}' resolved to ${version} (from ${url}). ` +
        `${problem} Set an exact ${input} such as '4.1.4'.`
    )
  }
  core.info(`${input} '${channel}' resolved to ${version} (from ${url})`)
  return version
}

/** `helm-version: system`: the helm on PATH, if it is new enough. */
async function useSystemHelm(): Promise<InstalledHelm> {
  const found = await io.which('helm', false)
  if (!found) {
    throw new UserError(
      "helm-version is 'system' but there is no helm on PATH. Install Helm " +
        `${MIN_HELM_VERSION} or newer in an earlier step, or set helm-version ` +
        "to 'latest' or an exact version to let the action install it."
    )
  }
  const binary = path.resolve(found)
  const version = await reportedVersion(binary)
  if (semverLt(version, MIN_HELM_VERSION)) {
    throw new UserError(
      `helm-version is 'system' and the helm on PATH (${binary}) is ` +
        `${version}, but this action needs Helm ${MIN_HELM_VERSION} or newer ` +
        'for OCI registries. Upgrade that Helm, or set helm-version to ' +
        "'latest' or an exact version to let the action install one."
    )
  }
  if (semverMajor(version) > 4) {
    core.warning(
      `The helm on PATH is ${version}; this action is tested with Helm 3 and 4.`
    )
  }
  core.info(`Using the helm on PATH: ${binary} (${version})`)
  return installed(binary, version, 'system')
}
