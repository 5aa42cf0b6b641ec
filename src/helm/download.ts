// A Helm release from the download site into the tool cache: the checksum
// first, then the archive. A .tar.gz (linux, macOS) is hashed and unpacked in
// one pass straight into a staging folder of the tool cache; a Windows .zip is
// saved, hashed, extracted and copied in. Either way nothing is cached before
// the checksum of the whole archive matched and the binary reported its
// version.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import * as io from '@actions/io'
import * as tc from '@actions/tool-cache'
import { extractFromTarGz } from './archive.js'
import { fileSha256Hex } from '../digest.js'
import { errorMessage, UserError } from '../errors.js'
import {
  archiveFolder,
  archiveName,
  archiveUrl,
  binaryName,
  binaryPathInArchive,
  checksumUrl,
  parseChecksumFile
} from './download-site.js'
import {
  getFile,
  getStream,
  getText,
  retried,
  statusOf,
  type Site
} from './fetch.js'
import { expectVersion } from './helm-version.js'
import type { Platform } from './platform.js'
import {
  commitStaging,
  createStaging,
  toolCacheEntry,
  toolCacheRoot
} from './tool-cache.js'

/** What the tool cache calls the tool and this machine's architecture. */
export interface CacheKey {
  tool: string
  arch: string
}

/** Downloads, verifies and caches one release; returns its tool cache folder. */
export async function downloadHelm(
  site: Site,
  version: string,
  platform: Platform,
  key: CacheKey
): Promise<string> {
  const expected = await fetchChecksum(site, version, platform)
  const url = archiveUrl(site.base, version, platform)
  core.info(`Downloading Helm ${version} from ${url}`)
  const release = { site, version, platform, key, url, expected }
  const toolDir =
    platform.os === 'windows'
      ? await installZip(release)
      : await installTarGz(release)
  core.info(`Helm ${version} cached at ${toolDir}`)
  return toolDir
}

interface Release {
  site: Site
  version: string
  platform: Platform
  key: CacheKey
  url: string
  /** The sha256 the checksum file gives. */
  expected: string
}

/**
 * The one pass: response -> sha256 and gunzip -> tar -> `<staging>/helm`.
 * Each try starts over with a fresh staging folder (and a fresh hash); the
 * folder is moved into the tool cache once the checksum and version match.
 */
async function installTarGz(release: Release): Promise<string> {
  const { site, version, platform, key, url } = release
  const entry = toolCacheEntry(toolCacheRoot(), key.tool, version, key.arch)
  const wanted = binaryPathInArchive(platform)
  let staging: string | undefined
  try {
    const outcome = await fetchArchive(release, () =>
      getStream(site.client, url, async body => {
        staging = await createStaging(entry)
        try {
          return await extractFromTarGz(
            body,
            wanted,
            path.join(staging, binaryName(platform))
          )
        } catch (error) {
          await io.rmRF(staging)
          staging = undefined
          throw error
        }
      })
    )
    verifyChecksum(release, outcome.sha256)
    if (outcome.problem) {
      throw new UserError(
        `Could not take ${wanted} out of the Helm archive from ${url}: ` +
          `${outcome.problem.message}. The mirror at helm-download-url ` +
          'serves a damaged archive, or not a Helm release.',
        { cause: outcome.problem }
      )
    }
    if (!outcome.written || !staging) throw missingBinary(release)
    // Checked before caching, so a wrong binary never lands in the cache.
    await expectVersion(path.join(staging, binaryName(platform)), version, url)
    await commitStaging(staging, entry)
    staging = undefined
    return entry.folder
  } finally {
    if (staging) await io.rmRF(staging)
  }
}

/** Windows: save the .zip, hash it, extract it, check, then tc.cacheDir. */
async function installZip(release: Release): Promise<string> {
  const { site, version, platform, key, url } = release
  const name = archiveName(version, platform)
  const archive = path.join(tempRoot(), `${randomUUID()}-${name}`)
  let extracted: string | undefined
  try {
    await fetchArchive(release, () => getFile(site.client, url, archive))
    verifyChecksum(release, await fileSha256Hex(archive))
    // tc.extractZip runs its extractor silently: no archive name is logged.
    extracted = await tc.extractZip(
      archive,
      path.join(tempRoot(), randomUUID())
    )
    const folder = path.join(extracted, archiveFolder(platform))
    const binary = path.join(folder, binaryName(platform))
    if (!fs.existsSync(binary)) throw missingBinary(release)
    // Checked before caching, so a wrong binary never lands in the cache.
    await expectVersion(binary, version, url)
    return await tc.cacheDir(folder, key.tool, version, key.arch)
  } finally {
    await io.rmRF(archive)
    if (extracted) await io.rmRF(extracted)
  }
}

/** Throws unless the archive's sha256 is the published one; logs it if so. */
function verifyChecksum(release: Release, actual: string): void {
  const { expected, url } = release
  if (actual !== expected) {
    throw new UserError(
      `The Helm archive downloaded from ${url} does not match its ` +
        `checksum: expected sha256 ${expected}, got ${actual}. Nothing was ` +
        'installed. Re-run the job; if it keeps failing, the mirror at ' +
        'helm-download-url serves a damaged or altered file.'
    )
  }
  core.info(`Verified sha256 ${actual}`)
}

function missingBinary({ url, platform }: Release): UserError {
  return new UserError(
    `The Helm archive from ${url} has no ${binaryPathInArchive(platform)}; ` +
      'the mirror at helm-download-url does not serve a Helm release.'
  )
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

/** Runs `get`, the archive's download, with retries; words its failure. */
async function fetchArchive<T>(
  { site, url, version, platform }: Release,
  get: () => Promise<T>
): Promise<T> {
  const where = `Helm ${version} for ${platform.os}/${platform.arch}`
  try {
    return await retried(url, site.retry, get)
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

function tempRoot(): string {
  const dir = process.env.RUNNER_TEMP
  if (!dir) throw new Error('RUNNER_TEMP is not set; is this a GitHub runner?')
  return dir
}
