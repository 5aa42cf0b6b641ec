// Argo CD's build environment: the `$ARGOCD_APP_*` variables its repo
// server substitutes in a Helm source's `parameters` values and in the paths
// of `valueFiles` and `fileParameters` (reposerver/repository/repository.go:
// `newEnv`, `helmTemplate`, `getResolvedValueFiles`; the substitution is
// `Env.Envsubst` in pkg/apis/application/v1alpha1/types.go, which is Go's
// `os.Expand`: `$NAME` and `${NAME}`, an unknown name is "", `$$` is `$`).
// The revision differs between the old and the new version, so the values
// are worked out for each version the preview renders. Pure.
import { mapAt, stringAt, type PlainMap } from '../../places/plain.js'

/**
 * A text substituted grows to this many characters at most: a manifest's
 * long `repoURL` named thousands of times must not fill the runner's memory.
 */
export const MAX_SUBSTITUTED = 256 * 1024

/** The variables of one render, and the names a text asked for. */
export class ArgoEnvironment {
  /** Every name looked up, known or not (for the notes on assumptions). */
  readonly used = new Set<string>()
  /** Texts that grew past MAX_SUBSTITUTED: left as written. */
  readonly tooLong: string[] = []

  constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** `text` with its variables substituted as `Env.Envsubst` does. */
  subst(text: string): string {
    const done = expand(text, name => {
      // Env.Envsubst: "allow escaping $ with $$".
      if (name === '$') return '$'
      this.used.add(name)
      return this.values.get(name) ?? ''
    })
    if (done !== undefined) return done
    this.tooLong.push(text.length > 40 ? `${text.slice(0, 40)}…` : text)
    return text
  }
}

/** What the variables are worked out from, at one version. */
export interface EnvironmentAt {
  application: PlainMap
  source: PlainMap
  /** What Argo CD resolves the source to: a Helm chart's version. */
  revision: string
  /** The source's `targetRevision` as written at that version. */
  targetRevision: string
}

/** The variables `newEnv` sets (v3.0.0 and later: all nine). */
export function argoEnvironment(at: EnvironmentAt): ArgoEnvironment {
  const metadata = mapAt(at.application, 'metadata')
  const spec = mapAt(at.application, 'spec')
  const destination = mapAt(spec, 'destination')
  const entries: [string, string][] = [
    // app.InstanceName: the name alone in Argo CD's own namespace.
    ['ARGOCD_APP_NAME', stringAt(metadata, 'name') ?? ''],
    // controller/state.go: the destination's namespace, not helm.namespace.
    ['ARGOCD_APP_NAMESPACE', stringAt(destination, 'namespace') ?? ''],
    // ApplicationSpec.GetProject: "default" when unset.
    ['ARGOCD_APP_PROJECT_NAME', stringAt(spec, 'project') || 'default'],
    ['ARGOCD_APP_REVISION', at.revision],
    ['ARGOCD_APP_REVISION_SHORT', at.revision.slice(0, 7)],
    ['ARGOCD_APP_REVISION_SHORT_8', at.revision.slice(0, 8)],
    ['ARGOCD_APP_SOURCE_REPO_URL', stringAt(at.source, 'repoURL') ?? ''],
    ['ARGOCD_APP_SOURCE_PATH', stringAt(at.source, 'path') ?? ''],
    ['ARGOCD_APP_SOURCE_TARGET_REVISION', at.targetRevision]
  ]
  return new ArgoEnvironment(new Map(entries))
}

/**
 * Go's `os.Expand` (src/os/env.go, Go 1.16 and later): `$name` (letters,
 * digits, `_`), `${name}`, the one-character specials (`$1`, `$$`, `$-`…);
 * `${}` and an unclosed `${` are dropped, a `$` followed by no name is kept.
 */
export function expand(
  text: string,
  mapping: (name: string) => string,
  maxLength = MAX_SUBSTITUTED
): string | undefined {
  // Past the last `}`, a `${` never closes: no scan to the end for each one.
  const lastBrace = text.lastIndexOf('}')
  let out = ''
  let from = 0
  for (let at = 0; at < text.length; at++) {
    if (text[at] !== '$' || at + 1 >= text.length) continue
    out += text.slice(from, at)
    const [name, width] = shellName(text, at + 1, lastBrace)
    if (name !== '') out += mapping(name)
    else if (width === 0) out += '$'
    if (out.length > maxLength) return undefined
    at += width
    from = at + 1
  }
  out += text.slice(from)
  return out.length > maxLength ? undefined : out
}

const SPECIAL = new Set('*#$@!?-0123456789')

/** Go's `getShellName` on `text` from `start`: the name and the characters it takes. */
function shellName(
  text: string,
  start: number,
  lastBrace: number
): [string, number] {
  if (text[start] === '{') {
    const special = text[start + 1]
    if (SPECIAL.has(special) && text[start + 2] === '}') return [special, 3]
    const close = start < lastBrace ? text.indexOf('}', start + 1) : -1
    if (close === -1) return ['', 1]
    if (close === start + 1) return ['', 2]
    return [text.slice(start + 1, close), close - start + 1]
  }
  if (SPECIAL.has(text[start])) return [text[start], 1]
  let end = start
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end])) end++
  return [text.slice(start, end), end - start]
}
