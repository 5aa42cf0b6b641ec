// The preview's Helm: `gitops-render-helm-version`'s, installed once per run
// when a preview first needs it and only when it differs from the action's
// Helm; else the action's own.
import { expect, test } from 'vitest'
import type { HelmVersionSpec } from '../../src/helm/download-site.js'
import type { InstalledHelm } from '../../src/helm/installer.js'
import type { Config } from '../../src/inputs/release.js'
import { previewRenderer } from '../../src/release/gitops.js'
import type { Services } from '../../src/release/services.js'
import type { HelmTemplate } from '../../src/render/render.js'

const ACTION_HELM: InstalledHelm = {
  path: '/tools/helm/4.2.3/helm',
  version: '4.2.3',
  major: 4,
  source: 'cache'
}

function helmAt(installed: InstalledHelm): HelmTemplate & { path: string } {
  return {
    path: installed.path,
    skipsSchemaValidation: true,
    template: () => Promise.reject(new Error('not rendered here'))
  }
}

/** The services the renderer uses, recording each install. */
function services(installs: string[], fails = false): Services {
  const unexpected = () => Promise.reject(new Error('not expected'))
  return {
    installHelm: unexpected,
    registry: unexpected,
    helm: () => {
      throw new Error('not expected')
    },
    renderHelm: async installed => helmAt(installed),
    installRenderHelm: async (spec: HelmVersionSpec) => {
      installs.push(JSON.stringify(spec))
      if (fails) throw new Error('the download site is down')
      const version = spec.kind === 'exact' ? spec.version : '3.20.0'
      return {
        path: `/tools/helm/${version}/helm`,
        version,
        major: Number(version.split('.')[0]),
        source: 'download'
      }
    },
    startSigning: unexpected,
    signAndAttest: unexpected,
    githubRelease: unexpected,
    gitops: unexpected
  }
}

function config(renderHelmVersion?: HelmVersionSpec): Config {
  return {
    gitops: renderHelmVersion ? { renderHelmVersion } : {}
  } as Config
}

test.each<[string, HelmVersionSpec | undefined, string, boolean, number]>([
  ['no input: the action’s Helm', undefined, '4.2.3', false, 0],
  [
    'the action’s version: not installed twice',
    { kind: 'exact', version: '4.2.3' },
    '4.2.3',
    true,
    0
  ],
  [
    'another version: installed',
    { kind: 'exact', version: '3.17.3' },
    '3.17.3',
    true,
    1
  ],
  [
    'a channel: resolved by the installer',
    { kind: 'channel', channel: '3' },
    '3.20.0',
    true,
    1
  ]
])('%s', async (_, spec, version, chosen, installCount) => {
  const installs: string[] = []
  const renderer = previewRenderer(
    services(installs),
    config(spec),
    ACTION_HELM,
    '/sandbox'
  )
  expect(installs).toEqual([])
  const first = await renderer.helm()
  const second = await renderer.helm()
  expect(second).toBe(first)
  expect(first).toMatchObject({ version, chosen })
  expect((first.helm as HelmTemplate & { path: string }).path).toBe(
    `/tools/helm/${version}/helm`
  )
  expect(installs).toHaveLength(installCount)
})

test('an install that fails is the renderer’s failure, once', async () => {
  const installs: string[] = []
  const renderer = previewRenderer(
    services(installs, true),
    config({ kind: 'exact', version: '3.17.3' }),
    ACTION_HELM,
    '/sandbox'
  )
  const said =
    'could not install the Helm of gitops-render-helm-version (3.17.3): the download site is down'
  await expect(renderer.helm()).rejects.toThrow(said)
  await expect(renderer.helm()).rejects.toThrow(said)
  expect(installs).toHaveLength(1)
})
