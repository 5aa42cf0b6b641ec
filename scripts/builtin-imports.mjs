// Node's own modules reach dist/ through process.getBuiltinModule, not an
// ESM import. An ESM import of a builtin builds its "facade", which reads
// every export once (syncExports in lib/internal/bootstrap/realm.js) and so
// runs each lazy getter: `import http from 'node:http'` loads node's bundled
// undici and with it crypto, tls, http2, zlib and worker_threads for
// http.WebSocket (nodejs/node#57649, #59686), `import fs from 'node:fs'`
// loads fs.promises, `util` and `process` theirs. process.getBuiltinModule
// (node 20.16 / 22.3; the action runs on node24) returns the module's exports
// as require() does, getters untouched: the same objects, without the modules
// nobody asked for. rollup.config.js applies this to every chunk it writes.
import { isBuiltin } from 'node:module'

// A static import of rollup's output: one statement per line, at the top.
const IMPORT = /^import\s+([^'";]+?)\s+from\s+'([^']+)';$/gm

/**
 * `code` (a chunk as rollup renders it) with each `import … from '<builtin>'`
 * replaced by a `const` of `process.getBuiltinModule('<builtin>')`; default,
 * namespace and named bindings alike. Other imports are left as they are.
 * @param {string} code
 * @returns {string}
 */
export function builtinImportsToGetBuiltinModule(code) {
  return code.replace(IMPORT, (statement, clause, specifier) => {
    if (!isBuiltin(specifier)) return statement
    const id = specifier.startsWith('node:') ? specifier : `node:${specifier}`
    return bindings(clause)
      .map(binding => `const ${binding} = process.getBuiltinModule('${id}');`)
      .join('\n')
  })
}

/**
 * The left-hand sides an import clause becomes: `x`, `* as x` and
 * `{ a as b, c }` (and a default before either) to `x` and `{ a: b, c }`.
 * @param {string} clause
 * @returns {string[]}
 */
function bindings(clause) {
  const named = /\{([^}]*)\}/.exec(clause)
  const rest = clause
    .replace(/\{[^}]*\}/, '')
    .replace(/,\s*$/, '')
    .trim()
  const out = []
  if (rest) {
    const name = rest.replace(/^\*\s+as\s+/, '').trim()
    if (!/^[\w$]+$/.test(name))
      throw new Error(
        `builtin-imports: cannot read the import clause ${clause}`
      )
    out.push(name)
  }
  if (named) {
    const parts = named[1]
      .split(',')
      .map(part => part.trim())
      .filter(Boolean)
      .map(part => part.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'))
    if (parts.some(part => !/^[\w$]+(: [\w$]+)?$/.test(part)))
      throw new Error(
        `builtin-imports: cannot read the import clause ${clause}`
      )
    out.push(`{ ${parts.join(', ')} }`)
  }
  return out
}
