// Which environment variable holds which provider's key, and the server's environment.
// Keys live in VS Code's SecretStorage under `secretName(envVar)`; never in settings.

export interface KeyTarget {
  label: string;
  envVar: string;
}

export const STANDARD_KEY_TARGETS: readonly KeyTarget[] = [
  { label: "OpenAI or OpenAI-compatible", envVar: "OPENAI_API_KEY" },
  { label: "Anthropic", envVar: "ANTHROPIC_API_KEY" },
];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function keyTargets(apiKeyEnv: string | undefined): KeyTarget[] {
  const targets = [...STANDARD_KEY_TARGETS];
  const custom = apiKeyEnv?.trim();
  if (custom && ENV_NAME.test(custom) && !targets.some((t) => t.envVar === custom)) {
    targets.push({ label: "agentls.apiKeyEnv", envVar: custom });
  }
  return targets;
}

export function secretName(envVar: string): string {
  return `agentls.apiKey.${envVar}`;
}

/** The server's environment: the editor's, plus the stored keys (stored keys win). */
export function serverEnv(
  base: Record<string, string | undefined>,
  storedKeys: Record<string, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(storedKeys)) if (v) env[k] = v;
  return env;
}
