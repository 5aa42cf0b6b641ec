// Chart.yaml read as Helm reads it (pure): name, version, apiVersion,
// dependencies and the annotations the action uses, or a refusal naming the line.
import {
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  type Document
} from 'yaml'
import {
  checkApiVersion,
  checkV1Keys,
  requirementsDependencies,
  type ChartApiVersion
} from './api-version.js'
import { UserError } from '../errors.js'
import { isRepositoryComponent } from '../registry/reference.js'
import { ociSource, type OciSource } from './oci-source.js'

/** Artifact Hub's annotation of what changed in a version (read by changes.ts). */
export const CHANGES_ANNOTATION = 'artifacthub.io/changes'

// The regular expression published with SemVer 2 (https://semver.org): unlike
// semver.valid(), it refuses a leading 'v' and keeps build metadata.
const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

/** True for a strict SemVer 2 version such as 1.2.3-rc.1+build.5. */
export function isStrictSemver(version: string): boolean {
  return SEMVER_RE.test(version)
}

/** A dependency declared in Chart.yaml. */
export interface ChartDependency {
  name: string
  version?: string
  repository?: string
}

/** What the action needs from Chart.yaml, with the lines errors point at. */
export interface ChartMetadata {
  /** Path of Chart.yaml, as given (used for annotations). */
  file: string
  /** v2, or Helm 2's v1 (its dependencies read from requirements.yaml). */
  apiVersion: ChartApiVersion
  name: string
  version: string
  appVersion?: string
  dependencies: ChartDependency[]
  /** requirements.yaml's path when the dependencies come from it (as Helm reads them). */
  dependenciesFile?: string
  /** 1-based line of `version:` (for annotations on the version). */
  versionLine: number
  /**
   * The `artifacthub.io/changes` annotation as written (a string, or a list
   * in some charts), for the GitHub release's notes; absent when none.
   */
  changes?: unknown
  /**
   * What Helm writes as the manifest's `org.opencontainers.image.source`
   * (ghcr.io links a package by it), with the line of `sources:`.
   */
  ociSource?: OciSource & { line: number }
}

/** A chart's requirements.yaml (Helm 2's, read by Helm 3 and 4 too): text and path. */
export interface Requirements {
  text: string
  file: string
}

/**
 * Parses Chart.yaml text (and its requirements.yaml when it has one). Pure:
 * the caller reads the files. Every refusal names the file, the line where
 * known, and the fix.
 */
export function parseChartYaml(
  text: string,
  file: string,
  requirements?: Requirements
): ChartMetadata {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const syntaxError = doc.errors[0]
  if (syntaxError) {
    const line = lines.linePos(syntaxError.pos[0]).line
    throw new UserError(
      `${file} is not valid YAML (line ${line}): ${firstLine(syntaxError.message)}. Fix the YAML syntax.`,
      { file, line }
    )
  }
  if (!isMap(doc.contents)) {
    throw new UserError(
      `${file} must be a YAML mapping with apiVersion, name and version.`,
      { file, line: 1 }
    )
  }
  const map = doc.contents
  const lineOf = (key: string): number | undefined => {
    const node = doc.get(key, true)
    if (isScalar(node) && node.range) return lines.linePos(node.range[0]).line
    // A list or mapping starts below its key: point at the key.
    const pair = map.items.find(
      item => isScalar(item.key) && item.key.value === key
    )
    const keyNode = pair?.key
    return isScalar(keyNode) && keyNode.range
      ? lines.linePos(keyNode.range[0]).line
      : undefined
  }
  const apiVersion = checkApiVersion(
    scalarText(doc, 'apiVersion'),
    file,
    lineOf('apiVersion')
  )
  if (apiVersion === 'v1') checkV1Keys(doc, file, lineOf)
  const name = requireString(doc, 'name', file, lineOf('name'))
  checkChartName(name, file, lineOf('name'))
  const version = requireString(doc, 'version', file, lineOf('version'))
  checkVersion(version, file, lineOf('version'))
  // The document as plain data, once: dependencies and annotations read it.
  const data = (doc.toJS() ?? {}) as Record<string, unknown>
  // Helm's loader reads requirements.yaml's dependencies over Chart.yaml's.
  const required = requirements
    ? requirementsDependencies(requirements.text, requirements.file)
    : undefined
  const fromRequirements = requirements && required !== undefined
  const dependencies = fromRequirements
    ? readDependencies(required, requirements.file)
    : readDependencies(data.dependencies, file)
  return {
    file,
    apiVersion,
    name,
    version,
    appVersion: optionalString(doc, 'appVersion'),
    dependencies,
    ...(fromRequirements ? { dependenciesFile: requirements.file } : {}),
    versionLine: lineOf('version') ?? 1,
    ...changesAnnotation(data),
    ociSource: { ...ociSource(data), line: lineOf('sources') ?? 1 }
  }
}

/** `annotations['artifacthub.io/changes']` of the plain data, when there is one. */
function changesAnnotation(data: Record<string, unknown>): {
  changes?: unknown
} {
  const annotations = data.annotations
  const changes: unknown =
    typeof annotations === 'object' && annotations !== null
      ? (annotations as Record<string, unknown>)[CHANGES_ANNOTATION]
      : undefined
  return changes === undefined || changes === null ? {} : { changes }
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '')
}

/** The scalar's text as written: `1.10` must not become the number 1.1. */
function scalarText(doc: Document, key: string): string | undefined {
  const node = doc.get(key, true)
  if (!isScalar(node) || node.value === null || node.value === undefined) {
    return undefined
  }
  if (typeof node.value === 'string') return node.value
  return node.source ?? String(node.value)
}

function requireString(
  doc: Document,
  key: string,
  file: string,
  line?: number
): string {
  const value = scalarText(doc, key)?.trim()
  if (!value) {
    throw new UserError(`${file} has no '${key}'. Add '${key}:' to it.`, {
      file,
      line: line ?? 1
    })
  }
  return value
}

function optionalString(doc: Document, key: string): string | undefined {
  return scalarText(doc, key)?.trim() || undefined
}

function checkChartName(name: string, file: string, line?: number): void {
  if (isRepositoryComponent(name)) return
  throw new UserError(
    `${file} names the chart '${name}', which cannot be an OCI repository name: ` +
      'use lowercase letters, digits and single separators (., _, -), e.g. ' +
      `'${suggestName(name)}'.`,
    { file, line }
  )
}

function suggestName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'my-chart'
  )
}

function checkVersion(version: string, file: string, line?: number): void {
  if (isStrictSemver(version)) return
  throw new UserError(
    `${file} has 'version: ${version}', which is not a SemVer 2 version: ` +
      "use MAJOR.MINOR.PATCH, e.g. '1.2.3', '1.2.3-rc.1' or '1.2.3+build.5' " +
      '(no leading v; quote it if YAML reads it as a number).',
    { file, line }
  )
}

function readDependencies(raw: unknown, file: string): ChartDependency[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) {
    throw new UserError(`${file}: 'dependencies' must be a list.`, { file })
  }
  return raw.map((entry: unknown, index: number) => {
    const dep = (entry ?? {}) as Record<string, unknown>
    if (typeof dep.name !== 'string' || !dep.name) {
      throw new UserError(
        `${file}: dependency #${index + 1} has no 'name'. Give every dependency a name.`,
        { file }
      )
    }
    return {
      name: dep.name,
      version: dep.version === undefined ? undefined : String(dep.version),
      repository:
        typeof dep.repository === 'string' ? dep.repository : undefined
    }
  })
}
