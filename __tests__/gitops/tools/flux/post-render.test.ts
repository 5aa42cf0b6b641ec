import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { postRender } from '../../../../src/gitops/tools/flux/post-render.js'
import { readPostRenderers } from '../../../../src/gitops/tools/flux/post-renderers.js'
import { splitManifests } from '../../../../src/render/manifests.js'

// What helm-controller's post-renderers make of a chart's output, worked
// out by hand from internal/postrender/kustomize.go and kustomize api
// v0.21.1 (PatchTransformer.go, patchstrategicmerge, patchjson6902,
// ImageTagTransformer.go, resWrangler.Select) and kyaml v0.21.1 merge2.

const MANIFEST = [
  '# Source: web/templates/deployment.yaml',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  labels: {app: web, tier: front}',
  'spec:',
  '  replicas: 1',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: app',
  '          image: nginx:1.25',
  '          env: [{name: MODE, value: base}, {name: KEEP, value: "1"}]',
  '        - name: sidecar',
  '          image: busybox:1.36',
  '---',
  '# Source: web/templates/service.yaml',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: web, labels: {app: web}}',
  'spec: {ports: [{port: 80}]}',
  '---',
  '# Source: web/templates/hook.yaml',
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: migrate',
  '  annotations: {helm.sh/hook: pre-upgrade}',
  'spec: {template: {spec: {containers: [{name: m, image: "nginx:1.25"}]}}}',
  '---',
  '# Source: web/templates/widget.yaml',
  'apiVersion: acme.test/v1',
  'kind: Widget',
  'metadata: {name: web}',
  'spec: {hosts: [a, b], containers: [{name: x, image: "nginx:1.25"}]}',
  '---',
  '# Source: web/crds/widgets.yaml',
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: from-crds-folder}',
  'spec: {containers: [{name: c, image: "nginx:1.25"}]}',
  ''
].join('\n')

interface Outcome {
  values: Record<string, unknown>
  notes: string[]
}

function run(spec: string, apiVersion = 'helm.toolkit.fluxcd.io/v2'): Outcome {
  const plan = readPostRenderers(apiVersion, parse(spec))
  const split = splitManifests(MANIFEST, 'shop')
  const renderer = postRender(plan, 'shop')
  const after = renderer?.(split.resources, split.duplicates) ?? {
    resources: split.resources,
    notes: []
  }
  const values: Record<string, unknown> = {}
  for (const resource of after.resources)
    values[`${resource.kind}/${resource.name}`] = parse(resource.text)
  return { values, notes: [...plan.notes, ...after.notes] }
}

const BEFORE = run('{}').values
const at = (outcome: Outcome, key: string): unknown => outcome.values[key]

describe('post-renderers: what changes', () => {
  test.each<[string, string, string, unknown]>([
    [
      'strategic merge with a target: replicas',
      'postRenderers: [{kustomize: {patches: [{target: {kind: Deployment}, patch: "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: any}\\nspec: {replicas: 3}"}]}}]',
      'Deployment/web',
      { spec: { replicas: 3 } }
    ],
    [
      'strategic merge without a target: by its own id',
      'postRenderers: [{kustomize: {patches: [{patch: "apiVersion: v1\\nkind: Service\\nmetadata: {name: web}\\nspec: {type: NodePort}"}]}}]',
      'Service/web',
      { spec: { type: 'NodePort', ports: [{ port: 80 }] } }
    ],
    [
      'strategic merge: containers merge by name, the patched one first (kyaml Prepend)',
      'postRenderers: [{kustomize: {patches: [{target: {kind: Deployment}, patch: "kind: Deployment\\nmetadata: {name: web}\\nspec: {template: {spec: {containers: [{name: sidecar, env: [{name: MODE, value: side}]}]}}}"}]}}]',
      'Deployment/web',
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'sidecar',
                  image: 'busybox:1.36',
                  env: [{ name: 'MODE', value: 'side' }]
                },
                { name: 'app', image: 'nginx:1.25' }
              ]
            }
          }
        }
      }
    ],
    [
      'strategic merge: env merges by name inside a container',
      'postRenderers: [{kustomize: {patches: [{target: {kind: Deployment}, patch: "kind: Deployment\\nmetadata: {name: web}\\nspec: {template: {spec: {containers: [{name: app, env: [{name: MODE, value: prod}]}]}}}"}]}}]',
      'Deployment/web',
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'app',
                  env: [
                    { name: 'MODE', value: 'prod' },
                    { name: 'KEEP', value: '1' }
                  ]
                },
                { name: 'sidecar' }
              ]
            }
          }
        }
      }
    ],
    [
      "a custom resource's list is replaced (no schema)",
      'postRenderers: [{kustomize: {patches: [{target: {group: acme.test}, patch: "kind: Widget\\nmetadata: {name: web}\\nspec: {hosts: [c]}"}]}}]',
      'Widget/web',
      { spec: { hosts: ['c'] } }
    ],
    [
      'JSON 6902 with a target',
      'postRenderers: [{kustomize: {patches: [{target: {kind: Deployment, name: web}, patch: "[{op: replace, path: /spec/replicas, value: 5}, {op: add, path: /metadata/labels/extra, value: x}]"}]}}]',
      'Deployment/web',
      {
        spec: { replicas: 5 },
        metadata: { labels: { app: 'web', tier: 'front', extra: 'x' } }
      }
    ],
    [
      'a label selector picks the target',
      'postRenderers: [{kustomize: {patches: [{target: {labelSelector: "tier=front"}, patch: "[{op: add, path: /metadata/annotations, value: {picked: yes}}]"}]}}]',
      'Deployment/web',
      { metadata: { annotations: { picked: true } } }
    ],
    [
      'images: newTag on every container, the hook and the custom resource too',
      'postRenderers: [{kustomize: {images: [{name: nginx, newTag: "1.27"}]}}]',
      'Job/migrate',
      {
        spec: { template: { spec: { containers: [{ image: 'nginx:1.27' }] } } }
      }
    ],
    [
      'images: newName and digest',
      'postRenderers: [{kustomize: {images: [{name: nginx, newName: registry.acme.test/nginx, digest: "sha256:0123"}]}}]',
      'Deployment/web',
      {
        spec: {
          template: {
            spec: {
              containers: [
                { image: 'registry.acme.test/nginx@sha256:0123' },
                { image: 'busybox:1.36' }
              ]
            }
          }
        }
      }
    ],
    [
      'images after the patches of the same post-renderer',
      'postRenderers: [{kustomize: {images: [{name: busybox, newTag: "2"}], patches: [{target: {kind: Deployment}, patch: "[{op: replace, path: /spec/template/spec/containers/0/image, value: busybox}]"}]}}]',
      'Deployment/web',
      {
        spec: {
          template: {
            spec: {
              containers: [{ image: 'busybox:2' }, { image: 'busybox:2' }]
            }
          }
        }
      }
    ],
    [
      'post-renderers in order; one refused (a copy) is left out whole, the next applied',
      'postRenderers: [{kustomize: {patches: [{target: {kind: Deployment}, patch: "[{op: replace, path: /spec/replicas, value: 2}]"}]}}, {kustomize: {patches: [{target: {kind: Deployment}, patch: "[{op: copy, path: /spec/replicas, from: /spec/replicas}]"}, {target: {kind: Deployment}, patch: "[{op: replace, path: /spec/replicas, value: 4}]"}]}}, {kustomize: {patches: [{target: {kind: Deployment, name: web}, patch: "[{op: add, path: /metadata/labels/after, value: \'2\'}]"}]}}]',
      'Deployment/web',
      { spec: { replicas: 2 }, metadata: { labels: { after: '2' } } }
    ],
    [
      "a patch of the next post-renderer keeps the first one's image",
      'postRenderers: [{kustomize: {images: [{name: nginx, newTag: "1.27"}]}}, {kustomize: {patches: [{target: {kind: Deployment}, patch: "[{op: replace, path: /spec/replicas, value: 3}]"}]}}]',
      'Deployment/web',
      {
        spec: {
          replicas: 3,
          template: {
            spec: {
              containers: [{ image: 'nginx:1.27' }, { image: 'busybox:1.36' }]
            }
          }
        }
      }
    ],
    [
      'the older patchesStrategicMerge and patchesJson6902 of v2beta2',
      'postRenderers: [{kustomize: {patchesJson6902: [{target: {kind: Deployment}, patch: [{op: replace, path: /spec/replicas, value: 7}]}], patchesStrategicMerge: [{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 6, paused: true}}]}}]',
      'Deployment/web',
      { spec: { replicas: 7, paused: true } }
    ]
  ])('%s', (_name, spec, key, expected) => {
    const apiVersion = spec.includes('patchesJson6902')
      ? 'helm.toolkit.fluxcd.io/v2beta2'
      : 'helm.toolkit.fluxcd.io/v2'
    const outcome = run(spec, apiVersion)
    expect(at(outcome, key)).toMatchObject(expected as object)
  })
})

describe('post-renderers: what is left alone', () => {
  test('the crds/ folder is not post-rendered', () => {
    const spec =
      'postRenderers: [{kustomize: {images: [{name: nginx, newTag: "1.27"}]}}]'
    const plan = readPostRenderers('helm.toolkit.fluxcd.io/v2', parse(spec))
    const split = splitManifests(MANIFEST, 'shop')
    const after = postRender(plan, 'shop')?.(split.resources, [])
    const pod = split.resources.find(r => r.kind === 'Pod')
    expect(after?.resources.find(r => r.kind === 'Pod')).toBe(pod)
    expect(after?.resources.map(r => `${r.kind}/${r.name}`)).toEqual(
      split.resources.map(r => `${r.kind}/${r.name}`)
    )
  })

  test('postRenderStrategy nohooks: hooks are not post-rendered', () => {
    const outcome = run(
      'postRenderStrategy: nohooks\npostRenderers: [{kustomize: {images: [{name: nginx, newTag: "1.27"}]}}]'
    )
    expect(at(outcome, 'Job/migrate')).toEqual(BEFORE['Job/migrate'])
    expect(at(outcome, 'Deployment/web')).not.toEqual(BEFORE['Deployment/web'])
  })

  test('$patch: delete removes the object', () => {
    const outcome = run(
      'postRenderers: [{kustomize: {patches: [{patch: "apiVersion: v1\\nkind: Service\\nmetadata: {name: web}\\n$patch: delete"}]}}]'
    )
    expect(Object.keys(outcome.values)).not.toContain('Service/web')
  })

  test('the object keeps its name and kind whatever a strategic merge patch says', () => {
    const outcome = run(
      'postRenderers: [{kustomize: {patches: [{target: {kind: Service}, patch: "kind: Service\\nmetadata: {name: other, labels: {x: y}}"}]}}]'
    )
    expect(at(outcome, 'Service/web')).toMatchObject({
      metadata: { name: 'web', labels: { app: 'web', x: 'y' } }
    })
  })
})

describe('post-renderers: refused, said, that post-renderer left out', () => {
  test.each<[string, string, string]>([
    [
      'an unknown field',
      'postRenderers: [{kustomize: {patches: [], replicas: [{name: web, count: 2}]}}]',
      'spec.postRenderers[0] not applied: kustomize.replicas is not a field Flux has; the preview shows the output without it'
    ],
    [
      'patchesStrategicMerge under v2 (removed in helm-controller v1.0.0)',
      'postRenderers: [{kustomize: {patchesStrategicMerge: [{kind: Deployment}]}}]',
      'spec.postRenderers[0] not applied: kustomize.patchesStrategicMerge is not in helm.toolkit.fluxcd.io/v2 (helm-controller v1.0.0 removed it from v2): use kustomize.patches; the preview shows the output without it'
    ],
    [
      'a patch that does not parse',
      'postRenderers: [{kustomize: {patches: [{target: {kind: Deployment}, patch: "spec: {replicas: [}"}]}}]',
      'spec.postRenderers[0] not applied: a patch is not valid YAML; the preview shows the output without it'
    ],
    [
      'a selector pattern refused',
      'postRenderers: [{kustomize: {patches: [{target: {name: "(a+)+"}, patch: "[{op: remove, path: /spec}]"}]}}]',
      "spec.postRenderers[0] not applied: a patch target: the pattern '(a+)+' is not one this action matches safely; the preview shows the output without it"
    ],
    [
      'a JSON patch without a target',
      'postRenderers: [{kustomize: {patches: [{patch: "[{op: remove, path: /spec}]"}]}}]',
      'spec.postRenderers[0] not applied: a JSON 6902 patch has no target (kustomize requires one); the preview shows the output without it'
    ],
    [
      'an image name that is a pattern',
      'postRenderers: [{kustomize: {images: [{name: "ngin.*", newTag: "2"}]}}]',
      "spec.postRenderers[0] not applied: the image name 'ngin.*' holds a regular expression character, which kustomize reads as a pattern: not matched by this action; the preview shows the output without it"
    ],
    [
      'too many patches',
      `postRenderers: [{kustomize: {patches: [${Array.from({ length: 51 }, () => '{target: {kind: Service}, patch: "[{op: remove, path: /spec}]"}').join(', ')}]}}]`,
      'spec.postRenderers[0] not applied: more than 50 patches; the preview shows the output without it'
    ],
    [
      'a JSON patch whose path is missing fails the build',
      'postRenderers: [{kustomize: {patches: [{target: {kind: Service}, patch: "[{op: replace, path: /spec/selector/app, value: x}]"}]}}]',
      "spec.postRenderers[0] not applied: Service web: the JSON patch's replace of /spec/selector/app does not apply: the resource has no selector"
    ],
    [
      'a strategic merge patch matching no object fails the build',
      'postRenderers: [{kustomize: {patches: [{patch: "apiVersion: v1\\nkind: Service\\nmetadata: {name: nope}\\nspec: {type: NodePort}"}]}}]',
      'spec.postRenderers[0] not applied: no resource matches the strategic merge patch of Service nope (kustomize fails the build)'
    ],
    [
      "a built-in kind's list whose merge key is not known here",
      'postRenderers: [{kustomize: {patches: [{target: {kind: Service}, patch: "kind: Service\\nmetadata: {name: web}\\nspec: {ports: [{port: 81}]}"}]}}]',
      'spec.postRenderers[0] not applied: Service web: the list spec.ports has a merge strategy this action does not know'
    ]
  ])('%s', (_name, spec, note) => {
    const outcome = run(spec)
    expect(outcome.notes).toEqual([note])
    expect(outcome.values).toEqual(BEFORE)
  })

  test.each([
    ['/__proto__/polluted', 'a __proto__ field is not patched'],
    ['/spec/ports/-', 'no element - in the list']
  ])('a JSON patch replace of %s is refused', (path, why) => {
    const outcome = run(
      `postRenderers: [{kustomize: {patches: [{target: {kind: Service}, patch: "[{op: replace, path: ${path}, value: x}]"}]}}]`
    )
    expect(outcome.notes).toEqual([
      `spec.postRenderers[0] not applied: Service web: the JSON patch's replace of ${path} does not apply: ${why}`
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('a strategic merge patch with a prototype key is refused', () => {
    const outcome = run(
      'postRenderers: [{kustomize: {patches: [{target: {kind: Service}, patch: "kind: Service\\nmetadata: {name: web}\\nspec: {__proto__: {polluted: x}}"}]}}]'
    )
    expect(outcome.notes).toEqual([
      'spec.postRenderers[0] not applied: a patch has a __proto__ key, which this action does not apply; the preview shows the output without it'
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('an object Helm rendered twice: kustomize refuses the output, said', () => {
    const plan = readPostRenderers(
      'helm.toolkit.fluxcd.io/v2',
      parse('postRenderers: [{kustomize: {images: [{name: nginx}]}}]')
    )
    const split = splitManifests(`${MANIFEST}---\n${MANIFEST}`, 'shop')
    const after = postRender(plan, 'shop')?.(split.resources, split.duplicates)
    expect(after?.notes).toEqual([
      "spec.postRenderers not applied: Helm rendered Deployment shop/web more than once, which kustomize refuses (Flux's upgrade fails)"
    ])
    expect(after?.resources).toEqual(split.resources)
  })

  test('a refused post-renderer leaves the others applied', () => {
    const outcome = run(
      'postRenderers: [{kustomize: {images: [{name: "a|b"}]}}, {kustomize: {patches: [{target: {kind: Deployment}, patch: "[{op: replace, path: /spec/replicas, value: 9}]"}]}}]'
    )
    expect(outcome.notes).toHaveLength(1)
    expect(at(outcome, 'Deployment/web')).toMatchObject({
      spec: { replicas: 9 }
    })
  })
})
