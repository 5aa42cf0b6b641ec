import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import type { PinChange } from '../../../../../src/gitops/edit.js'
import { environmentPreview } from '../../../../../src/gitops/tools/kustomize/build/preview.js'
import type { EnvironmentChange } from '../../../../../src/gitops/tools/kustomize/build/report.js'

const change = (file: string): PinChange => ({
  file,
  line: 9,
  path: 'spec.chart.spec.version',
  kind: 'flux-helmrelease',
  from: '1.0.0',
  to: '1.1.0'
})
const effective = (message: string) => ({
  kind: 'HelmRelease',
  spec: { values: { ui: { message } } }
})
const row = (env: string, to?: string): EnvironmentChange => ({
  environment: `apps/${env}`,
  resource: 'HelmRelease web',
  file: `apps/${env}/values.yaml`,
  line: 9,
  from: '1.0.0',
  ...(to ? { to } : { why: 'outside gitops-paths' }),
  effective: effective(env)
})

describe('environmentPreview', () => {
  test('a moved environment replaces the patch that moved it; one not moved adds nothing', () => {
    const other = {
      ...change('apps/other.yaml'),
      path: 'spec.source.targetRevision',
      kind: 'argocd-application'
    }
    const input = environmentPreview(
      [change('apps/staging/values.yaml'), other],
      [row('staging', '1.1.0'), row('production')],
      new Map([['apps/other.yaml', 'x']])
    )
    const name = 'apps/staging (Kustomize build: HelmRelease web)'
    expect(input.changes).toEqual([other, { ...change(name), line: 1 }])
    expect(parse(input.texts.get(name) ?? '')).toEqual(effective('staging'))
    expect([...input.texts.keys()]).toEqual(['apps/other.yaml', name])
  })
})
