// Per-environment kustomizations that each inflate the chart with their own
// `helmCharts` version (#24): each environment's effective version is listed,
// moved only where the bump changed the bytes that set it.
import { describe, expect, test } from 'vitest'
import { bumpBothWays } from '../../../scan/prefiltered.js'
import { entryName } from '../../../../../src/gitops/tools/kustomize/build/charts.js'
import type { ChartRef } from '../../../../../src/gitops/scan/types.js'
import { helmChartsLayout } from './charts-layout.js'

const CHART: ChartRef = {
  name: 'podinfo',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

/** The bump with only files under `prefix` editable, every file readable. */
function bump(texts: Map<string, string>, prefix = '') {
  const editable = new Map([...texts].filter(([f]) => f.startsWith(prefix)))
  const reader = { files: [...texts.keys()], read: (f: string) => texts.get(f) }
  return bumpBothWays(editable, CHART, '6.14.1', [], reader)
}

const row = (
  environment: string,
  file: string,
  from: string,
  rest: { to?: string; why?: string }
) => ({
  environment,
  resource: 'helmCharts entry helmCharts[0]',
  file,
  line: 8,
  from,
  ...rest
})

describe('helmCharts per environment', () => {
  test.each([
    {
      name: 'each environment pins its own: both move',
      layout: { staging: '6.10.0', production: '6.10.0' },
      prefix: '',
      moved: [
        'envs/production/kustomization.yaml',
        'envs/staging/kustomization.yaml'
      ],
      rows: [
        row('envs/production', 'envs/production/kustomization.yaml', '6.10.0', {
          to: '6.14.1'
        }),
        row('envs/staging', 'envs/staging/kustomization.yaml', '6.10.0', {
          to: '6.14.1'
        })
      ]
    },
    {
      name: 'production already at the version: only staging moves',
      layout: { staging: '6.10.0', production: '6.14.1' },
      prefix: '',
      moved: ['envs/staging/kustomization.yaml'],
      rows: [
        row('envs/production', 'envs/production/kustomization.yaml', '6.14.1', {
          why: 'already 6.14.1'
        }),
        row('envs/staging', 'envs/staging/kustomization.yaml', '6.10.0', {
          to: '6.14.1'
        })
      ]
    },
    {
      name: "gitops-paths 'envs/staging/': production is named with why",
      layout: { staging: '6.10.0', production: '6.10.0' },
      prefix: 'envs/staging/',
      moved: ['envs/staging/kustomization.yaml'],
      rows: [
        row('envs/production', 'envs/production/kustomization.yaml', '6.10.0', {
          why: 'envs/production/kustomization.yaml is outside gitops-paths'
        }),
        row('envs/staging', 'envs/staging/kustomization.yaml', '6.10.0', {
          to: '6.14.1'
        })
      ]
    },
    {
      name: 'a range is left alone and says why',
      layout: { staging: '6.10.0', production: '~6.10.0' },
      prefix: '',
      moved: ['envs/staging/kustomization.yaml'],
      rows: [
        expect.objectContaining({
          environment: 'envs/production',
          from: '~6.10.0',
          why: expect.any(String)
        }),
        row('envs/staging', 'envs/staging/kustomization.yaml', '6.10.0', {
          to: '6.14.1'
        })
      ]
    }
  ])('$name', ({ layout, prefix, moved, rows }) => {
    const result = bump(helmChartsLayout(layout), prefix)
    expect([...result.files.keys()].sort()).toEqual(moved)
    expect(result.environments).toEqual(rows)
  })

  test('a base inflating the chart is each environment that includes it', () => {
    const result = bump(helmChartsLayout({ base: '6.10.0' }))
    expect([...result.files.keys()]).toEqual(['base/kustomization.yaml'])
    expect(result.environments).toEqual(
      ['envs/production', 'envs/staging'].map(env =>
        row(env, 'base/kustomization.yaml', '6.10.0', { to: '6.14.1' })
      )
    )
  })
})

describe('entryName', () => {
  test.each([
    ['helmCharts[0].version', 'helmCharts entry helmCharts[0]'],
    ['helmCharts[12].version', 'helmCharts entry helmCharts[12]']
  ])('%s', (path, name) => {
    expect(entryName(path)).toBe(name)
  })
})
