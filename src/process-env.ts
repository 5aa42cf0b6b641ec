// Child processes never see the action's inputs: the registry password and
// tokens are INPUT_* variables of the runner's environment.
/**
 * The environment handed to child processes: the runner's, without the action's
 * own `INPUT_*` variables (they carry the registry password and tokens), plus
 * the given overrides.
 */
export function childEnv(
  overrides: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || key.toUpperCase().startsWith('INPUT_')) continue
    env[key] = value
  }
  return { ...env, ...overrides }
}
