// The demo's two releases of examples/charts/hello: 0.1.0 as the example
// is, and 0.2.0, which a maintainer made by changing a template, the
// default values and Chart.yaml (appVersion, the Artifact Hub changelog):
// the change the GitOps pull request's preview and changelog then show.
// Also the example GitOps repository, pinned at 0.1.0.
import fs from 'node:fs'
import path from 'node:path'
import { repoRoot } from '../../__tests__/helpers/paths.js'

/** The chart's folder, relative to the workspace (the `chart` input). */
export const CHART = 'examples/charts/hello'

/** The GitOps files the demo's git server holds, REGISTRY filled in. */
export function gitopsFiles(registryHost: string): Record<string, string> {
  const dir = path.join(repoRoot, 'examples', 'gitops')
  const files: Record<string, string> = {}
  for (const file of ['apps/hello.yaml', 'flux/hello.yaml', 'README.md']) {
    files[file] = fs
      .readFileSync(path.join(dir, file), 'utf8')
      .replaceAll('REGISTRY', registryHost)
  }
  return files
}

/** Copies examples/ into a workspace, as a checkout of the repository would. */
export function checkout(workspace: string): void {
  fs.cpSync(path.join(repoRoot, 'examples'), path.join(workspace, 'examples'), {
    recursive: true
  })
}

const CHART_0_2_0 = `apiVersion: v2
name: hello
description: A small chart the demo and the README examples publish.
type: application
version: 0.2.0
appVersion: '1.1.0'
annotations:
  artifacthub.io/changes: |
    - kind: added
      description: A farewell next to the greeting (value 'farewell')
    - kind: changed
      description: The ConfigMap says which release it belongs to
`

const FAREWELL_VALUES = 'farewell: See you soon\n'

const FAREWELL_TEMPLATE = [
  '  farewell: {{ .Values.farewell | quote }}',
  '  release: {{ .Release.Name | quote }}',
  ''
].join('\n')

/**
 * Turns the checked-out hello 0.1.0 into 0.2.0: a new value and two new
 * keys in the ConfigMap, a new appVersion and its changelog entry.
 */
export function makeRelease020(workspace: string): void {
  const chart = path.join(workspace, CHART)
  fs.writeFileSync(path.join(chart, 'Chart.yaml'), CHART_0_2_0)
  fs.appendFileSync(path.join(chart, 'values.yaml'), FAREWELL_VALUES)
  fs.appendFileSync(
    path.join(chart, 'templates', 'configmap.yaml'),
    FAREWELL_TEMPLATE
  )
}
