// The rendered preview as the GitOps step sees it ('gitops-render'): what the
// step hands over (the bump and how to read the clone) and what it gets back
// for the pull request body and the job summary. The release wires the real
// one and hands it in (the places built from the pins by gitops/tools,
// rendered by render/), so the step imports no render code and is tested
// with a fake.
import type { Part } from '../fit.js'
import type { PinChange } from './edit.js'

/** What the step knows when the bump is made. */
export interface PreviewRequest {
  /** The pins moved, in the scan's order. */
  changes: readonly PinChange[]
  /** The GitOps repository's files, by path, as scanned for pins. */
  texts: ReadonlyMap<string, string>
  /** Reads any file of the clone (values files); refuses symlinks. */
  readRepoFile(path: string): Buffer | undefined
  /** The regular files directly in a folder of the clone (an Argo CD `$ref` glob). */
  listRepoFolder?(folder: string): string[]
  /** The clone's folder: umbrella charts are rendered from there. */
  cloneDir?: string
  /** `oci://<registry>/<repository>/<name>` of the chart released. */
  chartRef: string
  /** The version released. */
  version: string
  /** `<repository>/<name>` in the registry: the changelog reads its tags. */
  repositoryPath: string
  /** How an Argo CD `ref` source may name the GitOps repository. */
  repositoryUrls: readonly string[]
  /** `gitops-kube-version` and `gitops-api-versions`, for places that say none. */
  kubeVersion?: string
  apiVersions: readonly string[]
}

/** The preview, as the pull request body and the job summary take it. */
export interface PreviewResult {
  /** The rendered changes and the changelog, as parts each document fits into its own limit (src/fit.ts). */
  parts: Part[]
  /** One line per place whose new version does not render, or per failure of the preview itself. */
  warnings: string[]
}

/** Renders the bump for its pull request; never throws (a failure is a part and a warning). */
export type PreviewPullRequest = (
  request: PreviewRequest
) => Promise<PreviewResult>
