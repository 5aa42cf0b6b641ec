import { describe, expect, test } from 'vitest'
import {
  MAX_SUBSTITUTED,
  argoEnvironment,
  expand
} from '../../../../src/gitops/tools/argocd/env.js'

const VALUES: Record<string, string> = { NAME: 'web', A_1: 'x' }
const lookup = (name: string): string =>
  name === '$' ? '$' : (VALUES[name] ?? '')

describe("Go's os.Expand, as Argo CD's Env.Envsubst calls it", () => {
  test.each<[string, string]>([
    ['$NAME', 'web'],
    ['values-$NAME.yaml', 'values-web.yaml'],
    ['${NAME}.yaml', 'web.yaml'],
    ['$NAME_x', ''],
    ['$A_1-$NAME', 'x-web'],
    ['$UNKNOWN', ''],
    ['$$', '$'],
    ['$$NAME', '$NAME'],
    ['${$}', '$'],
    ['price $', 'price $'],
    ['$ sign', '$ sign'],
    ['$/path', '$/path'],
    ['${}x', 'x'],
    ['${NAME', 'NAME'],
    ['$1x', 'x'],
    ['${-}y', 'y'],
    ['${NAME}${NAME}', 'webweb'],
    ['é$NAME', 'éweb'],
    ['no variables', 'no variables']
  ])('%j → %j', (text, expected) => {
    expect(expand(text, lookup)).toBe(expected)
  })

  test('a text that would grow past the bound is not substituted', () => {
    expect(expand('$NAME'.repeat(10), lookup, 30)).toBe('web'.repeat(10))
    expect(expand('$NAME'.repeat(10), lookup, 29)).toBeUndefined()
  })

  test('an unclosed ${ repeated is read in one pass', () => {
    let looked = 0
    const text = '${'.repeat(10_000)
    expect(
      expand(text, () => {
        looked++
        return ''
      })
    ).toBe('')
    expect(looked).toBe(0)
  })
})

describe("Argo CD's build environment (newEnv)", () => {
  test(`a value past ${MAX_SUBSTITUTED} characters once substituted is left as written, and said`, () => {
    const env = argoEnvironment({
      application: {},
      source: { repoURL: `oci://${'x'.repeat(1000)}` },
      revision: '1',
      targetRevision: '1'
    })
    const text = '$ARGOCD_APP_SOURCE_REPO_URL'.repeat(300)
    expect(env.subst(text)).toBe(text)
    expect(env.tooLong).toEqual([`${text.slice(0, 40)}…`])
  })

  test('every variable, the short revisions cut to 7 and 8', () => {
    const env = argoEnvironment({
      application: {
        metadata: { name: 'web' },
        spec: { destination: { namespace: 'shop' } }
      },
      source: { repoURL: 'oci://ghcr.io/acme', path: 'p' },
      revision: '1.5.0-rc.12',
      targetRevision: '1.5.0-rc.12'
    })
    const names = [
      'ARGOCD_APP_NAME',
      'ARGOCD_APP_NAMESPACE',
      'ARGOCD_APP_PROJECT_NAME',
      'ARGOCD_APP_REVISION',
      'ARGOCD_APP_REVISION_SHORT',
      'ARGOCD_APP_REVISION_SHORT_8',
      'ARGOCD_APP_SOURCE_REPO_URL',
      'ARGOCD_APP_SOURCE_PATH',
      'ARGOCD_APP_SOURCE_TARGET_REVISION'
    ]
    expect(names.map(name => env.subst(`$${name}`))).toEqual([
      'web',
      'shop',
      'default',
      '1.5.0-rc.12',
      '1.5.0-r',
      '1.5.0-rc',
      'oci://ghcr.io/acme',
      'p',
      '1.5.0-rc.12'
    ])
    expect([...env.used]).toEqual(names)
  })
})
