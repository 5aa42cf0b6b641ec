import { describe, expect, test } from 'vitest'
import { describeResource, splitManifests } from '../../src/render/manifests.js'

const OUTPUT = `---
# Source: web/templates/sa.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
# Source: web/templates/role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: web-reader
---
# Source: web/templates/empty.yaml
# only a comment
---
# Source: web/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: other
data:
  a: "1"
---
# Source: web/templates/cm-again.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: other
---
# Source: web/templates/broken.yaml
just: [not closed
`

describe('splitManifests', () => {
  const { resources, duplicates } = splitManifests(OUTPUT, 'apps')

  test.each([
    ['ServiceAccount', 'apps', 'web'],
    ['ClusterRole', '', 'web-reader'],
    ['ConfigMap', 'other', 'web'],
    ['(unidentified)', '', 'web/templates/broken.yaml']
  ])('keys %s as %s/%s', (kind, namespace, name) => {
    expect(resources).toContainEqual(
      expect.objectContaining({ kind, namespace, name })
    )
  })

  test('skips empty documents and keeps the first of duplicates', () => {
    expect(resources).toHaveLength(4)
    expect(duplicates).toEqual(['ConfigMap other/web'])
    expect(resources[2].text).toContain('a: "1"')
  })

  test('keeps # Source: comments out of the text', () => {
    for (const resource of resources)
      expect(resource.text).not.toMatch(/Source:/)
    expect(resources[0].text).toBe(
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n'
    )
  })

  test('the same resource from another template is the same resource', () => {
    const moved = OUTPUT.replace('templates/sa.yaml', 'templates/account.yaml')
    expect(splitManifests(moved, 'apps').resources[0]).toEqual(resources[0])
  })
})

describe('Helm hooks', () => {
  const HOOKS = [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: web-migrate',
    '  annotations:',
    '    "helm.sh/hook": pre-upgrade,pre-install',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: web-test',
    '  annotations: {helm.sh/hook-weight: "1"}',
    ''
  ].join('\n')

  test('a hook keeps its annotation; other resources have none', () => {
    const { resources } = splitManifests(HOOKS, 'shop')
    expect(resources.map(r => [r.name, r.hook])).toEqual([
      ['web-migrate', 'pre-upgrade,pre-install'],
      ['web-test', undefined]
    ])
  })

  test.each([
    [
      { kind: 'Job', namespace: 'shop', name: 'm', hook: 'pre-upgrade' },
      'Job shop/m (helm.sh/hook: pre-upgrade)'
    ],
    [{ kind: 'Pod', namespace: 'shop', name: 'p' }, 'Pod shop/p'],
    [
      { kind: 'Job', namespace: '', name: 'm', hook: 'x'.repeat(200) },
      `Job m (helm.sh/hook: ${'x'.repeat(80)})`
    ]
  ])('describeResource(%j) = %j', (resource, described) => {
    expect(describeResource(resource)).toBe(described)
  })
})
