// Writes small real Helm charts for the tests.
import fs from 'node:fs'
import path from 'node:path'

export interface ChartSpec {
  name?: string
  version?: string
  appVersion?: string
  apiVersion?: string
  /** Replaces the whole Chart.yaml text. */
  chartYaml?: string
  /** Extra template text (e.g. something `helm lint` rejects). */
  template?: string
}

export function writeChart(parent: string, spec: ChartSpec = {}): string {
  const name = spec.name ?? 'hello'
  const dir = path.join(parent, name)
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  const chartYaml =
    spec.chartYaml ??
    [
      `apiVersion: ${spec.apiVersion ?? 'v2'}`,
      `name: ${name}`,
      'description: A test chart',
      'type: application',
      `version: ${spec.version ?? '1.2.3'}`,
      `appVersion: "${spec.appVersion ?? '1.0.0'}"`,
      ''
    ].join('\n')
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), chartYaml)
  fs.writeFileSync(path.join(dir, 'values.yaml'), 'greeting: hello\n')
  fs.writeFileSync(
    path.join(dir, 'templates', 'configmap.yaml'),
    spec.template ??
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-greeting',
        'data:',
        '  greeting: {{ .Values.greeting | quote }}',
        ''
      ].join('\n')
  )
  return dir
}
