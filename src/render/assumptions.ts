// What the preview assumed where it cannot follow the tool's rule: the
// cluster (its Kubernetes version and API versions, which a GitOps tool asks
// the cluster for) and the Helm the tool renders with (its own, bundled:
// Argo CD's hack/tool-versions.sh HELM_VERSION, 4.2 from Argo CD 3.5;
// helm-controller's go.mod helm.sh/helm/v4; kustomize runs the `helm` its
// --helm-command names, api/internal/builtins/HelmChartInflationGenerator.go
// runHelmCommand). Said in one line per preview, so that a reviewer knows
// what the rendered diff stands on. Pure.
import type { RenderPlace } from './place.js'

/** What the preview knows of the Helm it ran and of the cluster's stand-ins. */
export interface AssumptionInput {
  /** The Helm that rendered, e.g. `4.2.3`. */
  helmVersion: string
  /** Whether `gitops-render-helm-version` named that Helm. */
  helmChosen: boolean
  /** `gitops-kube-version` and `gitops-api-versions`. */
  kubeVersion?: string
  apiVersions: readonly string[]
}

/**
 * The assumptions behind the places rendered, each a short phrase, in a
 * fixed order: the tools' Helm, the Kubernetes version, the API versions.
 * None when every place says all of it.
 */
export function assumptions(
  places: readonly RenderPlace[],
  input: AssumptionInput
): string[] {
  return [
    ...toolHelm(places, input),
    ...kubeVersion(places, input),
    ...apiVersions(places, input)
  ]
}

function toolHelm(
  places: readonly RenderPlace[],
  input: AssumptionInput
): string[] {
  const tools = [...new Set(places.flatMap(place => place.helmOf ?? []))].sort()
  if (tools.length === 0) return []
  const source = input.helmChosen
    ? 'gitops-render-helm-version'
    : 'set gitops-render-helm-version to theirs'
  const names =
    tools.length === 1
      ? `${tools[0]} renders`
      : `${tools.slice(0, -1).join(', ')} and ${tools.at(-1)} render`
  return [`${names} with Helm ${input.helmVersion} (${source})`]
}

function kubeVersion(
  places: readonly RenderPlace[],
  input: AssumptionInput
): string[] {
  if (!places.some(place => place.kubeVersion === undefined)) return []
  if (input.kubeVersion)
    return [`Kubernetes ${input.kubeVersion} (gitops-kube-version)`]
  return [
    "Helm's default Kubernetes version, not the cluster's (set gitops-kube-version)"
  ]
}

function apiVersions(
  places: readonly RenderPlace[],
  input: AssumptionInput
): string[] {
  if (!places.some(place => place.apiVersions.length === 0)) return []
  if (input.apiVersions.length)
    return [`the API versions of gitops-api-versions`]
  return [
    "Helm's built-in API versions only, none of the cluster's CRDs (set gitops-api-versions)"
  ]
}
