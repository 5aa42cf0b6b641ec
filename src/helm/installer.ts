// Puts the requested Helm on PATH: resolve the version, reuse the runner's
// tool cache or download, verify the checksum, extract, cache, and check the
// binary reports the version it should (like actions/setup-go).
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
import { HttpClient } from '@actions/http-client'
import * as io from '@actions/io'
import * as tc from '@actions/tool-cache'
import semver from 'semver'
import { extractArchive } from './archive.js'
import { fileSha256Hex } from '../digest.js'
import { errorMessage, UserError } from '../errors.js'
import {
  archiveFolder,
  archiveName,
  archiveUrl,
  binaryName,
  binaryPathInArchive,
  checksumUrl,
  latestVersionFile,
  MIN_HELM_VERSION,
  parseChecksumFile,
  parseDownloadBaseUrl,
  parseHelmVersionSpec,
  parseLatestVersion,
  unsupportedVersionProblem,
  type HelmChannel,
  type HelmVersionSpec
} from './download-site.js'
import { helmPlatform, type Platform } from './platform.js'
import { childEnv } from '../process-env.js'
import type { RetryPolicy } from '../retry.js'
import { getFile, getText, retried, statusOf, type Site } from './fetch.js'

export interface InstallHelmOptions {
  /** The `helm-version` input, as given or already parsed. */
  versionSpec: string | HelmVersionSpec
  /** The `helm-download-url` input. */
  downloadBaseUrl: string
  /** Retries of the downloads; what is not given comes from DEFAULT_RETRY. */
  retry?: Partial<RetryPolicy>
}

export interface InstalledHelm {
  /** Absolute path of the helm binary. */
  path: string
  /** The version the binary reports, without `v`, e.g. '4.1.4'. */
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
 * Installs the Helm that `versionSpec` asks for and puts it on PATH (or finds
 * the one already there for `system`), then checks the version it reports.
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
  const site: Site = {
    base,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    client: new HttpClient('helm-oci-release', [], {
      allowRetries: false,
      socketTimeout: 60_000
    })
  }
  const version =
    spec.kind === 'exact'
      ? spec.version
      : await resolveChannel(site, spec.channel)
  const platform = helmPlatform()
  const cached = tc.find(TOOL_NAME, version, TOOL_ARCH)
  if (cached) {
    const binary = path.resolve(cached, binaryName(platform))
    core.info(`Helm ${version}: found in the tool cache at ${cached}`)
    await expectVersion(binary, version, 'the tool cache')
    core.addPath(path.dirname(binary))
    return installed(binary, version, 'cache')
  }
  const toolDir = await download(site, version, platform)
  const binary = path.resolve(toolDir, binaryName(platform))
  core.addPath(toolDir)
  return installed(binary, version, 'download')
}

function installed(
  binary: string,
  version: string,
  source: InstalledHelm['source']
): InstalledHelm {
  return { path: binary, version, major: semver.major(version), source }
}

/** `latest`, `3` or `4` -> the version the download site names as newest. */
async function resolveChannel(
  site: Site,
  channel: HelmChannel
): Promise<string> {
  const url = `${site.base}/${latestVersionFile(channel)}`
  let version: string
  try {
    const body = await retried(url, site.retry, () => getText(site.client, url))
    version = parseLatestVersion(body, channel)
  } catch (error) {
    throw new UserError(
      `Could not find the newest Helm for helm-version '${channel}' at ` +
        `${url}: ${errorMessage(error)}. The action will not fall back to ` +
        'another Helm version: make that URL reachable (or point ' +
        'helm-download-url at a mirror that serves it), or set an exact ' +
        "helm-version such as '3.17.3'.",
      { cause: error }
    )
  }
  const problem = unsupportedVersionProblem(version)
  if (problem) {
    throw new UserError(
      `helm-version '${channel}' resolved to ${version} (from ${url}). ` +
        `${problem} Set an exact helm-version such as '4.1.4'.`
    )
  }
  core.info(`helm-version '${channel}' resolved to ${version} (from ${url})`)
  return version
}

/** Downloads, verifies, extracts and caches one release; returns its folder. */
async function download(
  site: Site,
  version: string,
  platform: Platform
): Promise<string> {
  const expected = await fetchChecksum(site, version, platform)
  const url = archiveUrl(site.base, version, platform)
  const name = archiveName(version, platform)
  const archive = path.join(tempRoot(), `${randomUUID()}-${name}`)
  let extracted: string | undefined
  try {
    core.info(`Downloading Helm ${version} from ${url}`)
    await downloadArchive(
      site,
      url,
      archive,
      `Helm ${version} for ${platform.os}/${platform.arch}`
    )
    const actual = await fileSha256Hex(archive)
    if (actual !== expected) {
      throw new UserError(
        `The Helm archive downloaded from ${url} does not match its ` +
          `checksum: expected sha256 ${expected}, got ${actual}. Nothing was ` +
          'installed. Re-run the job; if it keeps failing, the mirror at ' +
          'helm-download-url serves a damaged or altered file.'
      )
    }
    core.info(`Verified sha256 ${actual}`)
    extracted = await extractArchive(
      archive,
      platform,
      path.join(tempRoot(), randomUUID())
    )
    const folder = path.join(extracted, archiveFolder(platform))
    const binary = path.join(folder, binaryName(platform))
    if (!fs.existsSync(binary)) {
      throw new UserError(
        `The Helm archive from ${url} has no ${binaryPathInArchive(platform)}; ` +
          'the mirror at helm-download-url does not serve a Helm release.'
      )
    }
    // Checked before caching, so a wrong binary never lands in the cache.
    await expectVersion(binary, version, url)
    const toolDir = await tc.cacheDir(folder, TOOL_NAME, version, TOOL_ARCH)
    core.info(`Helm ${version} cached at ${toolDir}`)
    return toolDir
  } finally {
    await io.rmRF(archive)
    if (extracted) await io.rmRF(extracted)
  }
}

/** The expected sha256 of the archive; without it nothing is installed. */
async function fetchChecksum(
  site: Site,
  version: string,
  platform: Platform
): Promise<string> {
  const url = checksumUrl(site.base, version, platform)
  let text: string
  try {
    text = await retried(url, site.retry, () => getText(site.client, url))
  } catch (error) {
    const notFound = statusOf(error) === 404
    throw new UserError(
      `Could not fetch the checksum of Helm ${version} for ` +
        `${platform.os}/${platform.arch} from ${url}: ${errorMessage(error)}. ` +
        (notFound
          ? 'Either that Helm version does not exist (check helm-version ' +
            'against https://github.com/helm/helm/releases) or the mirror at ' +
            'helm-download-url lacks the checksum file. '
          : '') +
        'The action does not install Helm without verifying its checksum.',
      { cause: error }
    )
  }
  try {
    return parseChecksumFile(text, archiveName(version, platform))
  } catch (error) {
    throw new UserError(
      `${url} is not a usable checksum file: ${errorMessage(error)}. The ` +
        'action does not install Helm without verifying its checksum.',
      { cause: error }
    )
  }
}

/** Downloads `url` to `dest`; `where` names the release in messages. */
async function downloadArchive(
  site: Site,
  url: string,
  dest: string,
  where: string
): Promise<void> {
  try {
    await retried(url, site.retry, () => getFile(site.client, url, dest))
  } catch (error) {
    if (statusOf(error) === 404) {
      throw new UserError(
        `${where} was not found at ${url} (HTTP 404). Check helm-version ` +
          'against https://github.com/helm/helm/releases and that ' +
          'helm-download-url points at a complete mirror.',
        { cause: error }
      )
    }
    throw new UserError(
      `Could not download ${where} from ${url}: ${errorMessage(error)}`,
      { cause: error }
    )
  }
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
  if (semver.lt(version, MIN_HELM_VERSION)) {
    throw new UserError(
      `helm-version is 'system' and the helm on PATH (${binary}) is ` +
        `${version}, but this action needs Helm ${MIN_HELM_VERSION} or newer ` +
        'for OCI registries. Upgrade that Helm, or set helm-version to ' +
        "'latest' or an exact version to let the action install one."
    )
  }
  if (semver.major(version) > 4) {
    core.warning(
      `The helm on PATH is ${version}; this action is tested with Helm 3 and 4.`
    )
  }
  core.info(`Using the helm on PATH: ${binary} (${version})`)
  return installed(binary, version, 'system')
}

/** Fails unless `helm version` prints the expected version. */
async function expectVersion(
  binary: string,
  expected: string,
  origin: string
): Promise<void> {
  const actual = await reportedVersion(binary)
  if (actual !== expected) {
    throw new UserError(
      `The helm from ${origin} (${binary}) reports version ${actual}, ` +
        `expected ${expected}.` +
        (origin === 'the tool cache'
          ? ' The tool cache entry is damaged: remove it and re-run.'
          : '')
    )
  }
}

/** The version `helm version` prints, without `v`. */
async function reportedVersion(binary: string): Promise<string> {
  const out = await getExecOutput(
    binary,
    ['version', '--template', '{{.Version}}'],
    { silent: true, ignoreReturnCode: true, env: childEnv() }
  )
  const text = out.stdout.trim()
  const version = semver.valid(text.replace(/^v/, ''))
  if (out.exitCode !== 0 || !version) {
    throw new UserError(
      `'${binary} version' did not report a version ` +
        `(exit code ${out.exitCode}): ${(out.stderr || text).trim()}`
    )
  }
  return version
}

function tempRoot(): string {
  const dir = process.env.RUNNER_TEMP
  if (!dir) throw new Error('RUNNER_TEMP is not set; is this a GitHub runner?')
  return dir
}
