import { describe, expect, test } from 'vitest'
import { fileRole, toolsFor } from '../../../../src/gitops/scan/roles.js'
import { helmDependencies } from '../../../../src/gitops/tools/helm/pins.js'
import { PIN_TOOLS } from '../../../../src/gitops/tools/index.js'
import { lines, runTool } from '../../scan/run-tool.js'

const chartYaml = (repository: string, version = '1.0.0') =>
  lines(
    'apiVersion: v2',
    'name: umbrella',
    'version: 0.1.0',
    'dependencies:',
    '  - name: redis',
    '    repository: oci://registry-1.docker.io/bitnamicharts',
    '    version: 19.0.0',
    '  - name: webapp',
    `    repository: ${repository}`,
    `    version: ${version}`
  )

describe('helmDependencies', () => {
  test('is tried only on files that mention dependencies', () => {
    expect(helmDependencies.markers).toEqual(['dependencies'])
  })

  // Helm's LoadFiles reads `f.Name == "Chart.yaml"`; requirements.yaml (an
  // apiVersion v1 chart's dependencies) is not read by the action yet.
  test.each([
    ['charts/shop/Chart.yaml', true],
    ['Chart.yaml', true],
    ['charts/shop/chart.yaml', false],
    ['charts/shop/Chart.yml', false],
    ['charts/shop/requirements.yaml', false]
  ])(
    'only a file named exactly Chart.yaml is read for Helm: %s',
    (file, read) => {
      const role = fileRole(file)
      const tools = role ? toolsFor(PIN_TOOLS, role) : []
      expect(tools.includes(helmDependencies)).toBe(read)
    }
  )

  test('pins the version of the dependency on the chart', () => {
    const text = chartYaml('oci://ghcr.io/acme/charts')
    const { pins, spans } = runTool(helmDependencies, text, [], 'Chart.yaml')
    expect(pins).toEqual([
      expect.objectContaining({
        file: 'Chart.yaml',
        kind: 'helm-dependency',
        path: 'dependencies[1].version',
        line: 10,
        quote: 'plain'
      })
    ])
    expect(spans).toEqual(['1.0.0'])
  })

  test('a version range is still a pin (edit.ts decides what to do with it)', () => {
    const text = chartYaml('oci://ghcr.io/acme/charts', '"~1.0.0"')
    const { pins } = runTool(helmDependencies, text)
    expect(pins).toEqual([
      expect.objectContaining({ current: '~1.0.0', quote: 'double' })
    ])
  })

  test('the https default port changes nothing', () => {
    const text = chartYaml('oci://ghcr.io:443/acme/charts')
    expect(runTool(helmDependencies, text).spans).toEqual(['1.0.0'])
  })

  test("a trailing slash is a problem, not a pin: Helm refuses '<repository>//<name>'", () => {
    const text = chartYaml('oci://ghcr.io/acme/charts/')
    const { pins, problems } = runTool(helmDependencies, text)
    expect(pins).toEqual([])
    expect(problems).toEqual([
      {
        file: 'file.yaml',
        line: 8,
        message:
          "dependencies[1].repository ends with '/': Helm pulls '<repository>/<name>' and refuses the double slash ('invalid repository'), so the version is not bumped; remove the trailing slash."
      }
    ])
  })

  test("a trailing slash on another chart's repository is not our problem", () => {
    const text = chartYaml('oci://ghcr.io/acme/charts').replace(
      'bitnamicharts',
      'bitnamicharts/'
    )
    const { spans, problems } = runTool(helmDependencies, text)
    expect(spans).toEqual(['1.0.0'])
    expect(problems).toEqual([])
  })

  test('a split path is not a dependency on the chart: Helm finds it in charts/ by name', () => {
    const text = chartYaml('oci://ghcr.io/acme').replace(
      '- name: webapp',
      '- name: charts/webapp'
    )
    expect(runTool(helmDependencies, text).pins).toEqual([])
  })

  test.each([
    ['an https repository', 'https://ghcr.io/acme/charts'],
    ['another registry', 'oci://docker.io/acme/charts'],
    ['the chart URL itself', 'oci://ghcr.io/acme/charts/webapp']
  ])('leaves alone a dependency on %s', (_name, repository) => {
    expect(runTool(helmDependencies, chartYaml(repository)).pins).toEqual([])
  })
})
