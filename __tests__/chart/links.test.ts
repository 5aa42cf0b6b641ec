// Containment of chart folders, links in them and file:// dependencies in the
// workspace: pure path checks as tables, the walk on small real folders.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  checkChartLinks,
  checkFileDependencies,
  fileDependencyPath,
  isInside
} from '../../src/chart/links.js'
import { removeDir, tempDir } from '../helpers/paths.js'

describe('isInside', () => {
  test.each([
    ['/w', '/w', true],
    ['/w', '/w/charts/a', true],
    ['/w', '/w/..a', true],
    ['/w', '/w2', false],
    ['/w', '/', false],
    ['/w', '/w/../etc', false],
    ['/w/charts', '/w', false]
  ])('%s holds %s: %s', (root, target, inside) => {
    expect(isInside(root, path.resolve(target))).toBe(inside)
  })
})

describe('fileDependencyPath', () => {
  test.each([
    ['file://../common', '/w/charts/common'],
    ['file://./sub', '/w/charts/app/sub'],
    ['FILE://sub', '/w/charts/app/sub'],
    ['file:///etc/secrets', '/etc/secrets'],
    ['https://charts.example.com', undefined],
    ['oci://r.example.com/c', undefined]
  ])('%s -> %s', (repository, expected) => {
    expect(fileDependencyPath('/w/charts/app', repository)).toBe(expected)
  })
})

describe('the walk', () => {
  let base: string
  let workspace: string
  let chart: string
  beforeEach(() => {
    base = fs.realpathSync(tempDir('hor-links-'))
    workspace = path.join(base, 'workspace')
    chart = path.join(workspace, 'charts', 'app')
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true })
    fs.writeFileSync(path.join(base, 'secret'), 'x')
    fs.writeFileSync(path.join(workspace, 'shared.txt'), 'y')
  })
  afterEach(() => removeDir(base))

  const link = (target: string, at: string): void =>
    fs.symlinkSync(target, path.join(chart, at))

  test.each<[string, () => void, RegExp | undefined]>([
    ['no links', () => undefined, undefined],
    [
      'a link inside the workspace',
      () => link('../../shared.txt', 'shared.txt'),
      undefined
    ],
    [
      'a loop inside the workspace',
      () => link('..', 'templates/up'),
      undefined
    ],
    [
      'a file linked outside',
      () => link(path.join(base, 'secret'), 'templates/creds'),
      /charts\/app\/templates\/creds is a symbolic link to .*\/secret, outside the workspace/
    ],
    [
      'a dangling link outside',
      () => link('../../../../missing', 'gone'),
      /charts\/app\/gone is a symbolic link to .*\/missing, outside/
    ],
    [
      'a link to a folder that holds a link outside',
      () => {
        fs.mkdirSync(path.join(workspace, 'lib'))
        fs.symlinkSync(
          path.join(base, 'secret'),
          path.join(workspace, 'lib', 's')
        )
        link('../../lib', 'lib')
      },
      /charts\/app\/lib\/s is a symbolic link to/
    ]
  ])('%s', (_name, arrange, refusal) => {
    arrange()
    const check = (): void => checkChartLinks(chart, workspace)
    if (refusal) expect(check).toThrow(refusal)
    else expect(check).not.toThrow()
  })

  test('a chart folder that is a link out of the workspace', () => {
    fs.mkdirSync(path.join(base, 'elsewhere'))
    fs.symlinkSync(
      path.join(base, 'elsewhere'),
      path.join(workspace, 'charts', 'link')
    )
    expect(() =>
      checkChartLinks(path.join(workspace, 'charts', 'link'), workspace)
    ).toThrow(
      /Input 'chart' names charts\/link, which resolves to .*\/elsewhere, outside the workspace/
    )
  })

  test.each<[string, RegExp | undefined]>([
    ['file://../lib', undefined],
    [
      'file://../../../outside',
      /dependency 'lib' comes from file:\/\/..\/..\/..\/outside, which resolves to .*\/outside, outside the workspace/
    ],
    ['file:///etc', /resolves to \/etc, outside/]
  ])('a file:// dependency %s', (repository, refusal) => {
    fs.mkdirSync(path.join(workspace, 'charts', 'lib'))
    fs.mkdirSync(path.join(base, 'outside'))
    const check = (): void =>
      checkFileDependencies(
        chart,
        workspace,
        [{ name: 'lib', repository }],
        'charts/app/Chart.yaml'
      )
    if (refusal) expect(check).toThrow(refusal)
    else expect(check).not.toThrow()
  })
})
