/**
 * Base paths of known OpenAI-compatible APIs: the proxy appends the client's path after `/v1`
 * (`/chat/completions`...) to the upstream URL, so the URL must end with the API's base path.
 */
const OPENAI_COMPATIBLE_BASES: Record<string, string> = {
  'api.openai.com': '/v1',
  'api.anthropic.com': '/v1',
  'api.groq.com': '/openai/v1',
  'openrouter.ai': '/api/v1',
  'api.mistral.ai': '/v1',
  'api.together.xyz': '/v1',
  'api.fireworks.ai': '/inference/v1',
  'api.x.ai': '/v1',
  'api.deepinfra.com': '/v1/openai',
  'generativelanguage.googleapis.com': '/v1beta/openai',
};

const ENDPOINT_SUFFIX = /\/(chat\/completions|completions|responses|embeddings|messages)$/;

/** One start-up warning about an upstream URL. */
export interface UpstreamUrlWarning {
  option: '--upstream' | '--anthropic-upstream';
  url: string;
  message: string;
}

/**
 * What looks wrong in the upstream URLs (pure; `startServer` logs each as a `warn` line): a
 * known provider's host without its API's base path (`https://api.openai.com` sends calls to
 * `/chat/completions`, which does not exist), an endpoint given for a base URL, or an Anthropic
 * upstream with `/v1` (the proxy adds it: calls would go to `/v1/v1/messages`).
 *
 * @example
 * upstreamUrlWarnings({ upstream: 'https://api.openai.com', anthropicUpstream: 'https://api.anthropic.com' });
 * // [{ option: '--upstream', url: 'https://api.openai.com', message: '... use https://api.openai.com/v1 ...' }]
 */
export function upstreamUrlWarnings({ upstream, anthropicUpstream }: { upstream: string; anthropicUpstream: string }): UpstreamUrlWarning[] {
  const warnings: UpstreamUrlWarning[] = [];
  const openai = new URL(upstream);
  const openaiPath = openai.pathname.replace(/\/+$/, '');
  const base = OPENAI_COMPATIBLE_BASES[openai.hostname];
  if (ENDPOINT_SUFFIX.test(openaiPath)) {
    warnings.push({ option: '--upstream', url: upstream, message:
      `--upstream (CPR_UPSTREAM_URL) ${upstream} ends with an endpoint; give the API's base URL (the part before /chat/completions), or calls go to ${upstream}/chat/completions.` });
  } else if (base !== undefined && openaiPath !== base) {
    warnings.push({ option: '--upstream', url: upstream, message:
      `--upstream (CPR_UPSTREAM_URL) ${upstream} lacks the API path of ${openai.hostname}: calls would go to ${upstream}/chat/completions. Use ${openai.origin}${base}.` });
  }
  const anthropic = new URL(anthropicUpstream);
  const anthropicPath = anthropic.pathname.replace(/\/+$/, '');
  if (anthropic.hostname !== 'api.anthropic.com' && OPENAI_COMPATIBLE_BASES[anthropic.hostname] !== undefined) {
    warnings.push({ option: '--anthropic-upstream', url: anthropicUpstream, message:
      `--anthropic-upstream (CPR_ANTHROPIC_UPSTREAM_URL) ${anthropicUpstream} is not Anthropic's API: it takes the Anthropic Messages API's base URL (https://api.anthropic.com); OpenAI-compatible APIs go in --upstream.` });
  } else if (/\/v1$/.test(anthropicPath) || (anthropic.hostname === 'api.anthropic.com' && anthropicPath !== '')) {
    warnings.push({ option: '--anthropic-upstream', url: anthropicUpstream, message:
      `--anthropic-upstream (CPR_ANTHROPIC_UPSTREAM_URL) ${anthropicUpstream}: the proxy adds /v1 itself, so calls would go to ${anthropicUpstream}/v1/messages. Use ${anthropic.origin}${anthropicPath.replace(/\/v1$/, '')}.` });
  }
  return warnings;
}

/**
 * {@link upstreamUrlWarnings} for every upstream of the proxy (`--upstream name=url,...`), the
 * Anthropic upstream's once.
 *
 * @example
 * upstreamListWarnings({ upstreams: [{ url: 'https://api.openai.com/v1' }, { url: 'https://api.groq.com' }], anthropicUpstream: 'https://api.anthropic.com' });
 * // [{ option: '--upstream', url: 'https://api.groq.com', message: '... Use https://api.groq.com/openai/v1.' }]
 */
export function upstreamListWarnings({ upstreams, anthropicUpstream }: { upstreams: ReadonlyArray<{ url: string }>; anthropicUpstream: string }): UpstreamUrlWarning[] {
  return upstreams.flatMap((upstream, index) =>
    upstreamUrlWarnings({ upstream: upstream.url, anthropicUpstream }).filter((warning) => index === 0 || warning.option === '--upstream'));
}
