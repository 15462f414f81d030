import { ConfigError } from '../core/errors.js';
import type { AnyPipeline } from '../engine/definition.js';
import { cloudfrontPipeline } from './cloudfront/definition.js';
import { s3AccessCachePipeline, s3AccessPipeline, s3AccessTransfersPipeline } from './s3access/definition.js';

const registered = new Map<string, AnyPipeline>(
  [cloudfrontPipeline, s3AccessPipeline, s3AccessTransfersPipeline, s3AccessCachePipeline].map((p) => [p.name, p]),
);

/**
 * Adds a pipeline of your own, so the CLI (`--pipeline NAME`), `serve` (its routes and steps)
 * and the Lambda handler (its source types) run it like the built-in ones. A name already
 * taken is a ConfigError. Pipelines may read the same source types (a second summary of
 * CloudFront logs, say); event-driven routing gives a source type to the pipeline registered
 * first, so give yours source types of its own to route objects to it.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, pipelineNamespaces, registerPipeline } from 'letsflow';
 * registerPipeline({ ...cloudfrontPipeline, name: 'cf-copy', namespaces: pipelineNamespaces('cf-copy') });
 * ```
 */
export function registerPipeline(pipeline: AnyPipeline): void {
  if (registered.has(pipeline.name)) throw new ConfigError(`a pipeline named ${pipeline.name} is already registered`);
  registered.set(pipeline.name, pipeline);
}

/** Every registered pipeline, built-in ones first. */
export function pipelines(): AnyPipeline[] {
  return [...registered.values()];
}

/** The pipeline named `name`; a ConfigError naming the ones there are when none is. */
export function pipelineNamed(name: string): AnyPipeline {
  const pipeline = registered.get(name);
  if (!pipeline) throw new ConfigError(`no pipeline named ${JSON.stringify(name)}; registered: ${[...registered.keys()].join(', ')}`);
  return pipeline;
}

/** The pipeline that reads a source type (`cloudfront-realtime`, …), or `undefined` when none does. */
export function pipelineForSourceType(sourceType: string): AnyPipeline | undefined {
  return [...registered.values()].find((p) => Object.hasOwn(p.formats, sourceType));
}
