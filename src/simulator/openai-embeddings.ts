import { intField, modelOf } from './endpoint.js';
import type { Endpoint } from './endpoint.js';
import { embeddingDimensions } from './models.js';
import { inputsOf } from './prompt.js';
import { countTokens } from './tokenizer.js';
import { embeddingsUsage } from './usage-shapes.js';

// FNV-1a, to seed each vector from its input so that the same text always embeds the same way.
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A deterministic unit vector of `dimensions` float32 values for `input`.
 *
 * @example
 * embeddingFor('hello', 3).length; // 3
 */
export function embeddingFor(input: string | number, dimensions: number): Float32Array {
  let seed = hash(String(input));
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    // mulberry32: small, fast, and good enough for vectors nobody reads.
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    vector[i] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dimensions; i++) vector[i] *= scale;
  return vector;
}

/**
 * `POST /v1/embeddings`: a list of embeddings, as arrays of floats or, with
 * `encoding_format: "base64"` (what the openai SDK v6 asks for by default), as base64 of
 * little-endian float32s.
 */
export const embeddingsEndpoint: Endpoint = {
  provider: 'openai',
  handle({ body, script }) {
    const inputs = inputsOf(body.input);
    const dimensions = intField(body, 'dimensions') ?? embeddingDimensions(modelOf(body));
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((input, index) => {
      const vector = embeddingFor(input, dimensions);
      const embedding = base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
      return { object: 'embedding', index, embedding };
    });
    const input = script.usage?.input ?? inputs.reduce<number>((sum, i) => sum + (typeof i === 'number' ? i : countTokens(i)), 0);
    const usage = embeddingsUsage({ input, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
    return {
      kind: 'json',
      status: 200,
      body: { object: 'list', data, model: script.model ?? modelOf(body), ...(script.omitUsage ? {} : { usage }) },
    };
  },
};
