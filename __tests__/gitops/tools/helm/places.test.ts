import { describe, expect, test } from 'vitest'
import { CHART_REF, lines, onePlace } from '../../places/build.js'

describe('umbrella chart places', () => {
  test('the umbrella chart, its name as release name, no values files', () => {
    const place = onePlace({
      manifests: {
        'charts/shop/Chart.yaml': lines(
          'apiVersion: v2',
          'name: shop',
          'version: 0.1.0',
          'dependencies:',
          '  - name: webapp',
          '    repository: oci://ghcr.io/acme/charts',
          '    version: 1.4.0'
        )
      }
    })
    expect(place).toEqual({
      file: 'charts/shop/Chart.yaml',
      line: 7,
      title: 'chart shop (dependencies[0]: webapp)',
      chartRef: CHART_REF,
      releaseName: 'shop',
      valueFiles: [],
      setValues: [],
      includeCrds: true,
      apiVersions: [],
      notes: [],
      umbrella: { chartDir: 'charts/shop', dependency: 'webapp' }
    })
  })
})
