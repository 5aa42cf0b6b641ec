// A place's values from the GitOps repository checked before Helm is run:
// each one against the rule of what it is (helm/template-args.ts). A place
// with a value Helm's rules refuse is not rendered, and the pull request
// says which value and why; the release goes on. Pure: no I/O.
import {
  apiVersionProblem,
  kubeVersionProblem,
  namespaceProblem,
  quoted,
  releaseNameProblem,
  setPathProblem
} from '../helm/template-args.js'
import type { RenderPlace } from './place.js'

type Rule = (value: string) => string | undefined

/** Why `place` is not rendered as written, or undefined when Helm may take it. */
export function placeRefusal(place: RenderPlace): string | undefined {
  const checks: [string, string | undefined, Rule][] = [
    ['the release name', place.releaseName, releaseNameProblem],
    ['the namespace', place.namespace, namespaceProblem],
    ['the Kubernetes version', place.kubeVersion, kubeVersionProblem],
    ...place.apiVersions.map((api): [string, string, Rule] => [
      'the API version',
      api,
      apiVersionProblem
    ]),
    ...place.setValues.map((set): [string, string, Rule] => [
      set.fromFile ? 'the file parameter' : 'the parameter',
      set.path,
      setPathProblem
    ])
  ]
  for (const [what, value, rule] of checks) {
    // An empty namespace or version is not given to Helm at all.
    if (value === undefined || (value === '' && what !== 'the release name'))
      continue
    const why = rule(value)
    if (why) return `${what} ${quoted(value)} is not one Helm accepts: ${why}`
  }
  return undefined
}
