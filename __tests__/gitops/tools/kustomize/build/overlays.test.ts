import { describe, expect, test } from 'vitest'
import { bumpBothWays, prefilter } from '../../../scan/prefiltered.js'
import { bumpRepository } from '../../../../../src/gitops/bump-repo.js'
import type { ChartRef } from '../../../../../src/gitops/scan/types.js'
import { fluxExampleLayout } from './layout.js'

const CHART: ChartRef = {
  name: 'podinfo',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

/** The bump with only `paths` editable, every file readable. */
function bump(texts: Map<string, string>, paths = (_: string) => true) {
  const editable = new Map([...texts].filter(([file]) => paths(file)))
  const reader = { files: [...texts.keys()], read: (f: string) => texts.get(f) }
  return bumpBothWays(editable, CHART, '6.14.1', [], reader)
}

/** Every line that differs between two texts, as `old -> new`. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n')
  const b = after.split('\n')
  return a.flatMap((line, i) => (line === b[i] ? [] : [`${line} -> ${b[i]}`]))
}

describe('Kustomize overlays: the Flux example layout', () => {
  test('both environments pinned in their patches: both patches move, nothing else', () => {
    const texts = fluxExampleLayout({ staging: '6.10.0', production: '6.10.0' })
    const result = bump(texts)
    expect([...result.files.keys()].sort()).toEqual([
      'apps/production/podinfo-values.yaml',
      'apps/staging/podinfo-values.yaml'
    ])
    for (const [file, text] of result.files)
      expect(changedLines(texts.get(file) ?? '', text)).toEqual([
        '      version: 6.10.0 ->       version: 6.14.1'
      ])
    expect(result.problems).toEqual([])
    expect(result.environments).toEqual([
      expect.objectContaining({
        environment: 'apps/production',
        resource: 'HelmRelease podinfo (namespace podinfo)',
        file: 'apps/production/podinfo-values.yaml',
        line: 9,
        from: '6.10.0',
        to: '6.14.1'
      }),
      expect.objectContaining({
        environment: 'apps/staging',
        file: 'apps/staging/podinfo-values.yaml',
        from: '6.10.0',
        to: '6.14.1'
      })
    ])
  })

  test('pinned in base only: the base moves both environments', () => {
    const texts = fluxExampleLayout({ base: '6.10.0' })
    const result = bump(texts)
    expect([...result.files.keys()]).toEqual(['apps/base/podinfo/release.yaml'])
    expect(
      result.environments?.map(e => [e.environment, e.file, e.to])
    ).toEqual([
      ['apps/production', 'apps/base/podinfo/release.yaml', '6.14.1'],
      ['apps/staging', 'apps/base/podinfo/release.yaml', '6.14.1']
    ])
  })

  test('pinned in both: the patches move, the base that applies nowhere stays', () => {
    const texts = fluxExampleLayout({
      base: '6.9.0',
      staging: '6.10.0',
      production: '6.10.0'
    })
    const result = bump(texts)
    expect([...result.files.keys()].sort()).toEqual([
      'apps/production/podinfo-values.yaml',
      'apps/staging/podinfo-values.yaml'
    ])
    expect(result.skipped).toEqual([
      expect.objectContaining({
        file: 'apps/base/podinfo/release.yaml',
        value: '6.9.0',
        reason: expect.stringContaining(
          'every Kustomize build that includes it overrides it with a patch'
        )
      })
    ])
  })

  test('base pinned, production holds a range: only staging moves, production says why', () => {
    const texts = fluxExampleLayout({ base: '6.10.0', production: '">=1.0.0"' })
    const result = bump(texts)
    expect([...result.files.keys()]).toEqual(['apps/base/podinfo/release.yaml'])
    const production = result.environments?.find(
      e => e.environment === 'apps/production'
    )
    expect(production).toEqual(
      expect.objectContaining({
        file: 'apps/production/podinfo-values.yaml',
        from: '>=1.0.0',
        why: expect.stringContaining("'>=1.0.0' is a range that admits 6.14.1")
      })
    )
    expect(production?.to).toBeUndefined()
  })

  test('gitops-paths apps/staging/**: staging alone moves; the base outside the paths still names the chart', () => {
    const texts = fluxExampleLayout({ staging: '6.10.0', production: '6.10.0' })
    const result = bump(texts, file => file.startsWith('apps/staging/'))
    expect([...result.files.keys()]).toEqual([
      'apps/staging/podinfo-values.yaml'
    ])
    expect(result.environments).toEqual([
      expect.objectContaining({
        environment: 'apps/production',
        from: '6.10.0',
        why: 'apps/production/podinfo-values.yaml is outside gitops-paths'
      }),
      expect.objectContaining({ environment: 'apps/staging', to: '6.14.1' })
    ])
  })

  test('an aggregate kustomization includes both environments, and Flux builds each: each is listed as its own environment', () => {
    const texts = fluxExampleLayout({ staging: '6.10.0', production: '6.10.0' })
    texts.set('apps/kustomization.yaml', 'resources: [staging, production]\n')
    for (const env of ['staging', 'production'])
      texts.set(
        `clusters/${env}/apps.yaml`,
        [
          'apiVersion: kustomize.toolkit.fluxcd.io/v1',
          'kind: Kustomization',
          'metadata: {name: apps, namespace: flux-system}',
          'spec:',
          `  path: ./apps/${env}`,
          '  sourceRef: {kind: GitRepository, name: flux-system}',
          ''
        ].join('\n')
      )
    const result = bump(texts)
    expect([...result.files.keys()].sort()).toEqual([
      'apps/production/podinfo-values.yaml',
      'apps/staging/podinfo-values.yaml'
    ])
    for (const [file, text] of result.files)
      expect(changedLines(texts.get(file) ?? '', text)).toEqual([
        '      version: 6.10.0 ->       version: 6.14.1'
      ])
    const rows = (result.environments ?? []).map(
      row => `${row.environment} ${row.file} ${row.from} -> ${row.to}`
    )
    expect(rows).toContain(
      'apps/production apps/production/podinfo-values.yaml 6.10.0 -> 6.14.1'
    )
    expect(rows).toContain(
      'apps/staging apps/staging/podinfo-values.yaml 6.10.0 -> 6.14.1'
    )
  })

  test('a JSON 6902 patch of the version, which names neither chart nor registry, moves', () => {
    const texts = fluxExampleLayout({ base: '6.9.0', staging: '6.10.0' })
    const production = 'apps/production/kustomization.yaml'
    texts.set(
      production,
      (texts.get(production) ?? '').replace('podinfo-values.yaml', 'v.yaml')
    )
    texts.delete('apps/production/podinfo-values.yaml')
    texts.set(
      'apps/production/v.yaml',
      '- op: replace\n  path: /spec/chart/spec/version\n  value: 6.10.0\n'
    )
    expect(prefilter(texts, CHART).dropped).toContain('apps/production/v.yaml')
    const result = bump(texts)
    expect(
      changedLines(
        texts.get('apps/production/v.yaml') ?? '',
        result.files.get('apps/production/v.yaml') ?? ''
      )
    ).toEqual(['  value: 6.10.0 ->   value: 6.14.1'])
    expect(result.environments).toEqual([
      expect.objectContaining({
        environment: 'apps/production',
        file: 'apps/production/v.yaml',
        line: 3,
        from: '6.10.0',
        to: '6.14.1'
      }),
      expect.objectContaining({ environment: 'apps/staging', to: '6.14.1' })
    ])
  })

  test('the files the pre-filter let go are not read again to find the roots the tools name', () => {
    const texts = fluxExampleLayout({ staging: '6.10.0', production: '6.10.0' })
    for (let i = 0; i < 20; i++)
      texts.set(`apps/other/cm-${i}.yaml`, 'kind: ConfigMap\n')
    const { kept, dropped } = prefilter(texts, CHART)
    expect(dropped).toContain('apps/other/cm-0.yaml')
    const readAgain: string[] = []
    const checkout = {
      files: [...texts.keys()],
      read: (file: string) => {
        if (!kept.has(file)) readAgain.push(file)
        return texts.get(file)
      }
    }
    const paths = [...texts.keys()]
    const result = bumpRepository(kept, CHART, '6.14.1', [], checkout, paths)
    expect(result.files.size).toBe(2)
    expect(readAgain.filter(file => file.startsWith('apps/other/'))).toEqual([])
  })

  test('a HelmRepository of another registry: no pin, no environment', () => {
    const texts = fluxExampleLayout({
      staging: '6.10.0',
      url: 'oci://ghcr.io/other/charts'
    })
    const result = bump(texts)
    expect(result.files.size).toBe(0)
    expect(result.environments).toEqual([])
  })
})
