/**
 * JSON schemas of the request bodies, as in TEI's OpenAPI document (docs/openapi.json of
 * text-embeddings-inference) plus bertkit's own routes. Fastify validates bodies against them; a body that
 * does not match is answered 422 with TEI's error JSON. Also the OpenAPI document served at /openapi.json.
 */

const text = { type: "string" } as const;
const texts = { type: "array", items: text } as const;
const truncate = { type: ["boolean", "null"], default: false } as const;
const truncationDirection = { type: "string", enum: ["left", "right", "Left", "Right"], default: "right" } as const;
const pair = { type: "array", items: text, minItems: 2, maxItems: 2 } as const;

export const EMBED_BODY = {
  type: "object",
  required: ["inputs"],
  properties: {
    inputs: { anyOf: [text, texts] },
    normalize: { type: "boolean", default: true },
    truncate,
    truncation_direction: truncationDirection,
  },
} as const;

export const PREDICT_BODY = {
  type: "object",
  required: ["inputs"],
  properties: {
    // A string, a pair [a, b], or a batch of strings and pairs.
    inputs: { anyOf: [text, pair, { type: "array", items: { anyOf: [text, pair] } }] },
    truncate,
    truncation_direction: truncationDirection,
    raw_scores: { type: "boolean", default: false },
  },
} as const;

export const RERANK_BODY = {
  type: "object",
  required: ["query", "texts"],
  properties: {
    query: text,
    texts,
    truncate,
    truncation_direction: truncationDirection,
    raw_scores: { type: "boolean", default: false },
    return_text: { type: "boolean", default: false },
  },
} as const;

export const TOKENIZE_BODY = {
  type: "object",
  required: ["inputs"],
  properties: {
    inputs: { anyOf: [text, texts] },
    add_special_tokens: { type: "boolean", default: true },
  },
} as const;

const tokenId = { type: "integer", minimum: 0 } as const;

export const DECODE_BODY = {
  type: "object",
  required: ["ids"],
  properties: {
    ids: { anyOf: [{ type: "array", items: tokenId }, { type: "array", items: { type: "array", items: tokenId } }] },
    skip_special_tokens: { type: "boolean", default: true },
  },
} as const;

export const FILL_MASK_BODY = {
  type: "object",
  required: ["inputs"],
  properties: {
    inputs: { anyOf: [text, texts] },
    top_k: { type: "integer", minimum: 1, maximum: 1000, default: 5 },
    targets: { type: "array", items: text, minItems: 1 },
  },
} as const;

const qaInput = { type: "object", required: ["question", "context"], properties: { question: text, context: text } } as const;

export const QUESTION_ANSWERING_BODY = {
  type: "object",
  required: ["inputs"],
  properties: {
    inputs: { anyOf: [qaInput, { type: "array", items: qaInput }] },
    top_k: { type: "integer", minimum: 1, maximum: 100, default: 1 },
    max_answer_length: { type: "integer", minimum: 1, maximum: 512, default: 15 },
    handle_impossible_answer: { type: "boolean", default: false },
  },
} as const;

export const TOKEN_CLASSIFICATION_BODY = {
  type: "object",
  required: ["inputs"],
  properties: {
    inputs: { anyOf: [text, texts] },
    aggregation_strategy: { type: "string", enum: ["none", "simple", "first", "average", "max"], default: "none" },
    ignore_labels: { type: "array", items: text },
  },
} as const;

export const ROUTE_BODIES: Readonly<Record<string, object>> = {
  "/embed": EMBED_BODY,
  "/predict": PREDICT_BODY,
  "/rerank": RERANK_BODY,
  "/tokenize": TOKENIZE_BODY,
  "/decode": DECODE_BODY,
  "/fill-mask": FILL_MASK_BODY,
  "/question-answering": QUESTION_ANSWERING_BODY,
  "/token-classification": TOKEN_CLASSIFICATION_BODY,
};

const ERROR_SCHEMA = {
  type: "object",
  required: ["error", "error_type"],
  properties: { error: text, error_type: { type: "string", enum: ["Unhealthy", "Backend", "Overloaded", "Validation", "Tokenizer", "Empty"] } },
};

/** An OpenAPI 3 document of the routes (request bodies; responses described in docs/serve.md). */
export function openApiDocument(version: string): object {
  const errors = Object.fromEntries(["400", "413", "422", "424", "429"].map((code) => [code, { description: "error", content: { "application/json": { schema: ERROR_SCHEMA } } }]));
  const paths: Record<string, object> = {};
  for (const [path, schema] of Object.entries(ROUTE_BODIES)) {
    paths[path] = { post: { requestBody: { required: true, content: { "application/json": { schema } } }, responses: { "200": { description: "ok" }, ...errors } } };
  }
  for (const path of ["/health", "/info", "/metrics", "/openapi.json"]) paths[path] = { get: { responses: { "200": { description: "ok" } } } };
  return { openapi: "3.0.3", info: { title: "bertkit serve (Text Embeddings Inference–compatible)", version }, paths };
}
