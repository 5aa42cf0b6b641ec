// The GitOps repository's manifests as plain values, for building render
// places: the document that holds a pin (found by its line), and the
// documents of a kind anywhere in the repository (a HelmRelease's ConfigMap,
// the HelmReleases of an OCIRepository). Each file is parsed once, with
// `parseYaml` (Helm templates are read with their actions blanked).
import { parseDocument, type Document } from 'yaml'
import { parseYaml } from '../../yaml/cursor.js'
import { overlapping } from '../../yaml/template-blanking.js'
import type { ParsedFile } from '../../yaml/types.js'
import { withMergeKeys, type PlainMap, isPlainMap } from './plain.js'

/** Aliases expanded per document at most (yaml's guard against alias bombs). */
const MAX_ALIAS_COUNT = 1_000

/** One manifest of the repository, as plain values. */
export interface ManifestDocument {
  file: string
  /** 1-based line where the document's content starts. */
  line: number
  value: PlainMap
  /** Its offsets in the file's text. */
  start: number
  end: number
  /** Some of its fields were template actions, blanked: they read as empty. */
  templated: boolean
}

/** A document could not be read: why, said in the pull request. */
export interface Unreadable {
  unreadable: string
}

export class RepositoryDocuments {
  private readonly parsed = new Map<string, ParsedFile>()
  private readonly converted = new Map<Document.Parsed, ManifestDocument>()

  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  /** The document of `file` that holds `line`. */
  at(file: string, line: number): ManifestDocument | Unreadable {
    const parsed = this.parse(file)
    if (!parsed) return { unreadable: `${file} is not among the files read` }
    if (parsed.problem) return { unreadable: parsed.problem.message }
    const offset = parsed.lines.lineStarts[line - 1] ?? -1
    const doc = parsed.docs.find(
      ({ range }) => range[0] <= offset && offset < Math.max(range[2], 1)
    )
    if (!doc) return { unreadable: `no YAML document at ${file}:${line}` }
    return this.convert(file, parsed, doc) ?? notAMapping(file, line)
  }

  /**
   * Every document whose `kind` is `kind`, in file order. Only files that
   * mention the kind are parsed: the cheap test the scan uses too.
   */
  ofKind(kind: string): ManifestDocument[] {
    const found: ManifestDocument[] = []
    for (const [file, text] of this.texts) {
      if (!text.includes(kind)) continue
      const parsed = this.parse(file)
      if (!parsed || parsed.problem) continue
      for (const doc of parsed.docs) {
        const manifest = this.convert(file, parsed, doc)
        if (manifest?.value.kind === kind) found.push(manifest)
      }
    }
    return found
  }

  /**
   * The document read again without blanking `{{ }}`: in an ApplicationSet
   * they are its own placeholders, not Helm's. A Helm template that does not
   * parse as written is unreadable so.
   */
  asWritten(manifest: ManifestDocument): ManifestDocument | Unreadable {
    if (!manifest.templated) return manifest
    const text = this.texts.get(manifest.file) ?? ''
    const source = text.slice(manifest.start, manifest.end)
    try {
      const doc = parseDocument(source, { uniqueKeys: false })
      const value = withMergeKeys(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }))
      if (doc.errors.length === 0 && isPlainMap(value))
        return { ...manifest, value, templated: false }
    } catch {
      // Too many aliases: unreadable, as below.
    }
    return {
      unreadable: `${manifest.file}:${manifest.line} does not parse without its template actions blanked`
    }
  }

  /**
   * The document read as YAML 1.1, as Go's sigs.k8s.io/yaml reads it (a
   * plain yes, no, on or off is a boolean, 0755 octal): how Kustomize reads
   * a kustomization. Undefined for a Helm template or what does not read so.
   */
  asYaml11(manifest: ManifestDocument): PlainMap | undefined {
    if (manifest.templated) return undefined
    const text = this.texts.get(manifest.file) ?? ''
    const source = text.slice(manifest.start, manifest.end)
    try {
      const doc = parseDocument(source, { uniqueKeys: false, version: '1.1' })
      const value = withMergeKeys(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }))
      return doc.errors.length === 0 && isPlainMap(value) ? value : undefined
    } catch {
      return undefined
    }
  }

  private parse(file: string): ParsedFile | undefined {
    const cached = this.parsed.get(file)
    if (cached) return cached
    const text = this.texts.get(file)
    if (text === undefined) return undefined
    const parsed = parseYaml(file, text)
    this.parsed.set(file, parsed)
    return parsed
  }

  private convert(
    file: string,
    parsed: ParsedFile,
    doc: Document.Parsed
  ): ManifestDocument | undefined {
    const cached = this.converted.get(doc)
    if (cached) return cached
    let value: unknown
    try {
      value = withMergeKeys(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }))
    } catch {
      // Too many aliases: the scan reported the file already.
      return undefined
    }
    if (!isPlainMap(value)) return undefined
    const [start, , end] = doc.range
    const actions = parsed.template?.actions ?? []
    const manifest: ManifestDocument = {
      file,
      line: parsed.lines.linePos(doc.contents?.range?.[0] ?? start).line,
      value,
      start,
      end,
      templated: overlapping(actions, start, end) !== undefined
    }
    this.converted.set(doc, manifest)
    return manifest
  }
}

function notAMapping(file: string, line: number): Unreadable {
  return {
    unreadable: `the YAML document at ${file}:${line} is not a mapping (or its aliases expand too far)`
  }
}

/** The note of a place built from a Helm template: its blanked fields are missing. */
export function templatedNote(manifest: ManifestDocument): string[] {
  return manifest.templated
    ? [
        `${manifest.file} is a Helm template: fields written with template actions are left out`
      ]
    : []
}
