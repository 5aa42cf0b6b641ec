// The rendered preview's workload (bench/measure/render.ts): a small chart
// at two versions, and a GitOps repository of N Argo CD Applications pinning
// it, each with its own values, with the pins the bump moves found as the
// action finds them.
import fs from 'node:fs'
import path from 'node:path'
import { writeChart } from '../../__tests__/helpers/charts.js'
import { bumpRepository } from '../../src/gitops/bump-repo.js'
import type { PinChange } from '../../src/gitops/edit.js'
import type { ChartRef } from '../../src/gitops/scan/types.js'
import type { Fixture } from '../fixture.js'

export const CHART = 'shop'
export const REPOSITORY = 'bench/render'
export const OLD = '1.0.0'
export const NEW = '1.1.0'
/** Each version pulled once per run: the old and the new. */
export const EXPECTED_PULLS = 2

/** The small chart at `version`: 1.1.0 changes the ConfigMap and adds a Service. */
export function writeShop(parent: string, version: string): string {
  const newer = version === NEW
  const dir = writeChart(parent, { name: CHART, version })
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    'greeting: hello\nreplicas: 1\nport: 80\n'
  )
  const templates: Record<string, string> = {
    'configmap.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-greeting',
      'data:',
      `  greeting: {{ .Values.greeting${newer ? ' | repeat 2' : ''} | quote }}`,
      '  replicas: {{ .Values.replicas | quote }}',
      ''
    ].join('\n')
  }
  if (newer) {
    templates['service.yaml'] = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  ports: [{port: {{ .Values.port }}}]',
      ''
    ].join('\n')
  }
  fs.rmSync(path.join(dir, 'templates'), { recursive: true, force: true })
  fs.mkdirSync(path.join(dir, 'templates'))
  for (const [name, text] of Object.entries(templates))
    fs.writeFileSync(path.join(dir, 'templates', name), text)
  return dir
}

/** One Argo CD Application's own settings, as both sides render it. */
export interface Place {
  name: string
  namespace: string
  values: string
}

function placesOf(count: number): Place[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `shop-${i + 1}`,
    namespace: `team-${i + 1}`,
    values: `greeting: hi-${i + 1}\nreplicas: ${(i % 3) + 1}\n`
  }))
}

function application(host: string, place: Place): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: {name: ${place.name}, namespace: argocd}`,
    'spec:',
    `  destination: {server: https://kubernetes.default.svc, namespace: ${place.namespace}}`,
    '  source:',
    `    repoURL: oci://${host}/${REPOSITORY}`,
    `    chart: ${CHART}`,
    `    targetRevision: ${OLD}`,
    '    helm:',
    `      releaseName: ${place.name}`,
    '      values: |',
    ...place.values
      .trimEnd()
      .split('\n')
      .map(line => `        ${line}`),
    ''
  ].join('\n')
}

/** The GitOps repository's files and the pins the bump moves (found as the action finds them). */
export interface Workload {
  places: Place[]
  texts: Map<string, string>
  changes: PinChange[]
}

export function workload(fixture: Fixture, count: number): Workload {
  const places = placesOf(count)
  const texts = new Map(
    places.map(place => [
      `apps/${place.name}.yaml`,
      application(fixture.registry.host, place)
    ])
  )
  const chart: ChartRef = {
    name: CHART,
    registry: fixture.registry.host,
    repository: REPOSITORY
  }
  const { changes } = bumpRepository(texts, chart, NEW)
  if (changes.length !== count)
    throw new Error(
      `the bump found ${changes.length} pins in ${count} Applications`
    )
  return { places, texts, changes }
}
