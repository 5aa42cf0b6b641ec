// Kustomize builds over the clone's files, as `kustomize build` (and Flux's
// kustomize-controller, Argo CD) runs them: each root kustomization
// accumulates its `resources` (files, and folders holding a kustomization:
// api/internal/target/kusttarget.go, `KustTarget.accumulateResources`), then
// its `components` (`accumulateComponents`: a component's patches apply to
// what its includer accumulated), then runs its transformers in order
// (`runTransformers`). Bounded: depth, kustomizations and files read; a
// cycle is refused (kustomize's loader does: api/internal/loader/
// fileloader.go, `errIfRepoCycle`/`errIfArgEqualOrHigher`); a remote base is
// left alone; nothing outside the clone is read. The reader does the I/O.
import { YamlDocument, parseYaml } from '../../../../yaml/cursor.js'
import { budgetFor, ScanLimitError } from '../../../../yaml/merge-keys.js'
import type { ParsedFile } from '../../../../yaml/types.js'
import {
  KUSTOMIZATION_NAMES,
  readKustomization,
  type BuildStep,
  type Kustomization,
  type PatchEntry
} from './kustomization.js'
import { applyPatch, type LoadedPatch } from './patch.js'
import { copyResource, readResource, type BuiltResource } from './resource.js'
import { isPlainMap } from '../../../places/plain.js'

/** How a build reads the clone: every file's path, and one file's text. */
export interface BuildReader {
  /** Repository paths of the clone's regular files ('/'-separated). */
  readonly files: readonly string[]
  /** A file's text; undefined when it is not a readable file of the clone. */
  read(file: string): string | undefined
}

/** One root's build: an environment. */
export interface Environment {
  /** The root kustomization's folder (`apps/staging`). */
  root: string
  resources: BuiltResource[]
}

/** Something the build could not follow, and where. */
export interface BuildNote {
  file: string
  line: number
  message: string
}

/** One root's kustomization files, itself first: where its `helmCharts` are. */
export interface BuildRoot {
  root: string
  kustomizations: string[]
}

export interface Builds {
  environments: Environment[]
  /** Every root, with the kustomizations its build includes. */
  roots: BuildRoot[]
  notes: BuildNote[]
  /** Every file a build read a resource or a patch from. */
  filesRead: Set<string>
}

export const BUILD_LIMITS = {
  /** Kustomizations nested deeper than this are not followed. */
  depth: 20,
  /** Kustomization files read in one repository. */
  kustomizations: 2000,
  /** Resource and patch files read, over all builds. */
  files: 5000,
  /**
   * Kustomizations built, over all builds: a base included twice is built
   * twice (each include is patched apart), so includes that fan out could
   * otherwise double the work at every level.
   */
  builds: 2_000
}

/** Every root's build: a kustomization no other includes, or one a tool builds (`named`). */
export function buildAll(
  reader: BuildReader,
  named: ReadonlySet<string> = new Set()
): Builds {
  const state = new BuildState(reader)
  const kustomizations = state.kustomizations()
  const included = new Set<string>()
  for (const k of kustomizations.values())
    for (const entry of [...k.resources, ...k.components]) {
      const dir = localPath(k.dir, entry.entry)
      if (dir !== undefined) included.add(dir)
    }
  const environments: Environment[] = []
  const built: BuildRoot[] = []
  // Environments in path order, whatever order the files were listed in.
  const roots = [...kustomizations.values()]
    .filter(k => !included.has(k.dir) || named.has(k.dir))
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))
  for (const k of roots) {
    state.included.clear()
    const resources = state.build(k, [], [])
    built.push({ root: k.dir, kustomizations: [...state.included] })
    if (resources.length > 0) environments.push({ root: k.dir, resources })
  }
  return {
    environments,
    roots: built,
    notes: state.notes,
    filesRead: state.filesRead
  }
}

/** The resource under a new name or namespace, in its plain value too. */
function renamed(
  resource: BuiltResource,
  name: string,
  namespace: string
): BuiltResource {
  const metadata = isPlainMap(resource.value.metadata)
    ? resource.value.metadata
    : {}
  const value = {
    ...resource.value,
    metadata: { ...metadata, name, ...(namespace ? { namespace } : {}) }
  }
  return { ...resource, name, namespace, value }
}

/** `entry` relative to `dir`, normalised; undefined when it leaves the clone or is remote. */
export function localPath(dir: string, entry: string): string | undefined {
  if (isRemote(entry) || entry.startsWith('/')) return undefined
  const parts = dir === '' ? [] : dir.split('/')
  for (const part of entry.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(part)
  }
  return parts.join('/')
}

/** kustomize's remote targets: URLs and `github.com/…`-style repositories (api/internal/git/repospec.go). */
function isRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^(git@|github\.com[/:]|gitlab\.com[/:]|bitbucket\.org[/:])/i.test(entry) ||
    entry.includes('?ref=')
  )
}

class BuildState {
  readonly notes: BuildNote[] = []
  readonly filesRead = new Set<string>()
  /** The kustomization files the current root's build included. */
  readonly included = new Set<string>()
  private readonly byDir = new Map<string, Kustomization>()
  private readonly fileSet: Set<string>
  private reads = 0
  private builds = 0
  private readonly parsedFiles = new Map<string, ParsedFile | undefined>()

  constructor(private readonly reader: BuildReader) {
    this.fileSet = new Set(reader.files)
  }

  /** Every kustomization of the clone, by folder, read once. */
  kustomizations(): Map<string, Kustomization> {
    for (const file of this.reader.files) {
      const name = file.slice(file.lastIndexOf('/') + 1)
      if (!(KUSTOMIZATION_NAMES as readonly string[]).includes(name)) continue
      if (this.byDir.size >= BUILD_LIMITS.kustomizations) {
        this.note(
          file,
          1,
          `more than ${BUILD_LIMITS.kustomizations} kustomizations: this one and later ones are not followed`
        )
        break
      }
      const k = readKustomization(file, this.reader.read(file) ?? '')
      if (k.problem) this.note(file, 1, `not followed: ${k.problem}`)
      if (!this.byDir.has(k.dir)) this.byDir.set(k.dir, k)
    }
    return this.byDir
  }

  /** The resources `k` builds; `stack` holds the folders being built (cycles). */
  build(
    k: Kustomization,
    stack: string[],
    into: BuiltResource[]
  ): BuiltResource[] {
    if (stack.includes(k.dir)) {
      this.note(
        k.file,
        1,
        `includes itself through ${[...stack, k.dir].join(' → ')}: the cycle is not followed (kustomize refuses it too)`
      )
      return into
    }
    if (++this.builds > BUILD_LIMITS.builds) {
      if (this.builds === BUILD_LIMITS.builds + 1)
        this.note(
          k.file,
          1,
          `more than ${BUILD_LIMITS.builds} kustomization builds in one repository: this one and later ones are not followed`
        )
      return into
    }
    if (stack.length >= BUILD_LIMITS.depth) {
      this.note(
        k.file,
        1,
        `nested more than ${BUILD_LIMITS.depth} kustomizations deep: not followed`
      )
      return into
    }
    this.included.add(k.file)
    const inner = [...stack, k.dir]
    let resources = [...into]
    for (const entry of k.resources)
      resources.push(...this.resource(k, entry.entry, entry.line, inner))
    for (const entry of k.components) {
      const dir = this.includedDir(k, entry.entry, entry.line)
      const component = dir === undefined ? undefined : this.byDir.get(dir)
      if (component) resources = this.build(component, inner, resources)
    }
    return this.transform(k, resources)
  }

  private resource(
    k: Kustomization,
    entry: string,
    line: number,
    stack: string[]
  ): BuiltResource[] {
    const dir = this.includedDir(k, entry, line)
    if (dir === undefined) return []
    if (this.fileSet.has(dir)) return this.resourcesIn(dir)
    const base = this.byDir.get(dir)
    if (base) return this.build(base, stack, []).map(copyResource)
    this.note(
      k.file,
      line,
      `'${entry}' is neither a file nor a folder with a kustomization in the repository: not followed`
    )
    return []
  }

  /** The repository path an entry names; undefined (said) when remote or outside. */
  private includedDir(
    k: Kustomization,
    entry: string,
    line: number
  ): string | undefined {
    const path = localPath(k.dir, entry)
    if (path !== undefined) return path
    const why = isRemote(entry)
      ? 'a remote base: it is not fetched, and what it holds is not known here'
      : 'outside the repository: it is not read'
    this.note(k.file, line, `'${entry}' is ${why}`)
    return undefined
  }

  /**
   * A file's documents: read and parsed once however many builds include
   * it, each use with its own alias budget (the scan's bound per reading).
   */
  private documentsOf(file: string): YamlDocument[] | undefined {
    if (!this.parsedFiles.has(file))
      this.parsedFiles.set(file, this.readParsed(file))
    const parsed = this.parsedFiles.get(file)
    if (!parsed) return undefined
    const budget = budgetFor(parsed.text)
    return parsed.docs.map(doc => new YamlDocument(file, parsed, doc, budget))
  }

  private readParsed(file: string): ParsedFile | undefined {
    if (this.reads >= BUILD_LIMITS.files) {
      this.note(
        file,
        1,
        `more than ${BUILD_LIMITS.files} files read for Kustomize builds: not read`
      )
      return undefined
    }
    this.reads++
    const text = this.reader.read(file)
    if (text === undefined) return undefined
    this.filesRead.add(file)
    const parsed = parseYaml(file, text)
    return parsed.problem ? undefined : parsed
  }

  private resourcesIn(file: string): BuiltResource[] {
    const documents = this.documentsOf(file) ?? []
    return (
      this.bounded(file, () =>
        documents.flatMap(document => {
          const root = document.root()
          const resource = root && readResource(root)
          return resource ? [resource] : []
        })
      ) ?? []
    )
  }

  private bounded<T>(file: string, work: () => T): T | undefined {
    try {
      return work()
    } catch (error) {
      if (!(error instanceof ScanLimitError)) throw error
      this.note(file, 1, error.message)
      return undefined
    }
  }

  private transform(
    k: Kustomization,
    resources: BuiltResource[]
  ): BuiltResource[] {
    let current = resources
    for (const step of k.steps) current = this.step(k, step, current)
    return current
  }

  private step(
    k: Kustomization,
    step: BuildStep,
    resources: BuiltResource[]
  ): BuiltResource[] {
    switch (step.step) {
      case 'namespace':
        return resources.map(r => renamed(r, r.name, step.namespace))
      case 'prefix':
        return resources.map(r => renamed(r, step.value + r.name, r.namespace))
      case 'suffix':
        return resources.map(r => renamed(r, r.name + step.value, r.namespace))
      default:
        return this.patch(k, step.patch, resources)
    }
  }

  private patch(
    k: Kustomization,
    entry: PatchEntry,
    resources: BuiltResource[]
  ): BuiltResource[] {
    if (resources.length === 0) return resources
    const loaded = this.loadPatch(k, entry)
    if (!loaded) return resources
    const outcome = this.bounded(loaded.documents[0]?.file ?? k.file, () =>
      applyPatch(resources, loaded)
    )
    if (!outcome) return resources
    for (const message of outcome.notes) this.note(k.file, entry.line, message)
    return outcome.resources
  }

  private loadPatch(
    k: Kustomization,
    entry: PatchEntry
  ): LoadedPatch | undefined {
    const { source } = entry
    if (source.from === 'inline') {
      const name = `${k.file} (inline patch, line ${entry.line})`
      const parsed = parseYaml(name, source.text)
      if (parsed.problem) return undefined
      const budget = budgetFor(source.text)
      const documents = parsed.docs.map(
        doc => new YamlDocument(name, parsed, doc, budget)
      )
      return { entry, kustomization: k.file, documents }
    }
    const file = localPath(k.dir, source.path)
    if (file === undefined) {
      this.note(
        k.file,
        entry.line,
        `the patch '${source.path}' is outside the repository: it is not read`
      )
      return undefined
    }
    const documents = this.documentsOf(file)
    if (!documents) {
      this.note(
        k.file,
        entry.line,
        `the patch '${source.path}' could not be read as YAML: not followed`
      )
      return undefined
    }
    return { entry, kustomization: k.file, documents }
  }

  private note(file: string, line: number, message: string): void {
    this.notes.push({ file, line, message })
  }
}
