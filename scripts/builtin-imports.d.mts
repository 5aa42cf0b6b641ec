// Types of builtin-imports.mjs, a plain script rollup.config.js imports.

/** `code` with each ESM import of a node builtin turned into `process.getBuiltinModule`. */
export function builtinImportsToGetBuiltinModule(code: string): string
