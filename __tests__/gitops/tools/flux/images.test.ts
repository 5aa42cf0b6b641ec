import { describe, expect, test } from 'vitest'
import { parseDocument } from 'yaml'
import {
  applyImageRule,
  imageNameRefusal,
  rewriteImage,
  splitImage,
  type ImageRule
} from '../../../../src/gitops/tools/flux/images.js'

// Expected values worked out by hand from kustomize api v0.21.1:
// api/internal/image/image.go (IsImageMatched, Split) and
// api/filters/imagetag/updater.go (SetImageValue).
describe('rewriteImage', () => {
  test.each<[string, string, ImageRule, string | undefined]>([
    [
      'newTag by name',
      'nginx:1.25',
      { name: 'nginx', newTag: '1.27' },
      'nginx:1.27'
    ],
    [
      'an image without a tag gets the tag',
      'nginx',
      { name: 'nginx', newTag: '1.27' },
      'nginx:1.27'
    ],
    [
      'newTag drops the digest',
      'nginx:1.25@sha256:abc',
      { name: 'nginx', newTag: '1.27' },
      'nginx:1.27'
    ],
    [
      'digest replaces tag and digest',
      'nginx:1.25',
      { name: 'nginx', digest: 'sha256:def' },
      'nginx@sha256:def'
    ],
    [
      'newTag and digest: both',
      'nginx:1.25',
      { name: 'nginx', newTag: '1.27', digest: 'sha256:def' },
      'nginx:1.27@sha256:def'
    ],
    [
      'newName keeps the tag',
      'nginx:1.25',
      { name: 'nginx', newName: 'registry.acme.test/nginx' },
      'registry.acme.test/nginx:1.25'
    ],
    [
      'newName with newTag',
      'nginx:1.25',
      { name: 'nginx', newName: 'acme/web', newTag: '2' },
      'acme/web:2'
    ],
    [
      'a registry port is not a tag',
      'localhost:5000/web:1',
      { name: 'localhost:5000/web', newTag: '2' },
      'localhost:5000/web:2'
    ],
    [
      'the name must match whole',
      'nginx-extra:1.25',
      { name: 'nginx', newTag: '1.27' },
      undefined
    ],
    [
      'a prefix of the image is no match',
      'docker.io/nginx:1.25',
      { name: 'nginx', newTag: '1.27' },
      undefined
    ],
    [
      'a dot in the name is any character, as in Go',
      'dockerXio/nginx:1',
      { name: 'docker.io/nginx', newTag: '2' },
      'dockerXio/nginx:2'
    ],
    [
      'only a sha256 digest follows the name (v0.21.1)',
      'nginx@sha512:abc',
      { name: 'nginx', newTag: '1.27' },
      undefined
    ]
  ])('%s', (_name, image, rule, expected) => {
    expect(rewriteImage(image, rule)).toBe(expected)
  })
})

describe('splitImage', () => {
  test.each([
    ['nginx', ['nginx', '', '']],
    ['nginx:1', ['nginx', '1', '']],
    ['nginx@sha256:a', ['nginx', '', 'sha256:a']],
    ['host:5000/a/b:1@sha256:a', ['host:5000/a/b', '1', 'sha256:a']]
  ])('%s', (image, expected) => {
    expect(splitImage(image)).toEqual(expected)
  })
})

describe('imageNameRefusal', () => {
  test.each([
    ['nginx', undefined],
    ['registry.acme.test:5000/web', undefined],
    ['', 'an images entry has no name'],
    [
      '(a+)+$',
      "the image name '(a+)+$' holds a regular expression character, which kustomize reads as a pattern: not matched by this action"
    ],
    [
      'ngin[x]',
      "the image name 'ngin[x]' holds a regular expression character, which kustomize reads as a pattern: not matched by this action"
    ]
  ])('%s', (name, expected) => {
    expect(imageNameRefusal(name)).toBe(expected)
  })
})

const images = (text: string, rule: ImageRule): [unknown, unknown] => {
  const document = parseDocument(text)
  const result = applyImageRule(document, rule)
  return [result, document.toJS()]
}

describe('applyImageRule: where images are', () => {
  const rule = { name: 'nginx', newTag: '1.27' }
  test.each<[string, string, unknown, unknown]>([
    [
      'containers and initContainers of a pod template',
      'kind: Deployment\nspec: {template: {spec: {initContainers: [{name: i, image: nginx}], containers: [{name: a, image: "nginx:1.25"}, {name: b, image: busybox}]}}}',
      { changed: true },
      {
        kind: 'Deployment',
        spec: {
          template: {
            spec: {
              initContainers: [{ name: 'i', image: 'nginx:1.27' }],
              containers: [
                { name: 'a', image: 'nginx:1.27' },
                { name: 'b', image: 'busybox' }
              ]
            }
          }
        }
      }
    ],
    [
      'a CronJob: the legacy pass finds containers at any depth',
      'kind: CronJob\nspec: {jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: nginx}]}}}}}',
      { changed: true },
      {
        kind: 'CronJob',
        spec: {
          jobTemplate: {
            spec: {
              template: {
                spec: { containers: [{ name: 'a', image: 'nginx:1.27' }] }
              }
            }
          }
        }
      }
    ],
    [
      "an image volume's reference",
      'kind: Pod\nspec: {volumes: [{name: v, image: {reference: "nginx:1"}}, {name: w, emptyDir: {}}]}',
      { changed: true },
      {
        kind: 'Pod',
        spec: {
          volumes: [
            { name: 'v', image: { reference: 'nginx:1.27' } },
            { name: 'w', emptyDir: {} }
          ]
        }
      }
    ],
    [
      'a CustomResourceDefinition is left alone',
      'kind: CustomResourceDefinition\nspec: {containers: [{image: nginx}]}',
      { changed: false },
      {
        kind: 'CustomResourceDefinition',
        spec: { containers: [{ image: 'nginx' }] }
      }
    ],
    [
      'an image that is not a string fails the build',
      'kind: Pod\nspec: {containers: [{name: a, image: {x: 1}}]}',
      { refused: 'an image that is not a string' },
      { kind: 'Pod', spec: { containers: [{ name: 'a', image: { x: 1 } }] } }
    ]
  ])('%s', (_name, text, result, value) => {
    expect(images(text, rule)).toEqual([result, value])
  })
})
