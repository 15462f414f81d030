import { ConfigError } from '../core/errors.js';
import type { AnyPipeline } from '../engine/definition.js';
import { cloudfrontPipeline } from './cloudfront/definition.js';

const registered = new Map<string, AnyPipeline>([[cloudfrontPipeline.name, cloudfrontPipeline]]);

/**
 * Adds a pipeline of your own, so the CLI (`--pipeline NAME`), `serve` (its routes and steps)
 * and the Lambda handler (its source types) run it like the built-in ones. A name or a source
 * type already taken is a ConfigError: two pipelines never share a format.
 *
 * @example
 * ```ts
 * import { cloudfrontPipeline, pipelineNamespaces, registerPipeline } from 'letsflow';
 * registerPipeline({ ...cloudfrontPipeline, name: 'cf-copy', namespaces: pipelineNamespaces('cf-copy'), formats: {}, defaultFormat: 'cloudfront-realtime' });
 * ```
 */
export function registerPipeline(pipeline: AnyPipeline): void {
  if (registered.has(pipeline.name)) throw new ConfigError(`a pipeline named ${pipeline.name} is already registered`);
  for (const type of Object.keys(pipeline.formats)) {
    const owner = pipelineForSourceType(type);
    if (owner) throw new ConfigError(`source type ${type} of pipeline ${pipeline.name} is already read by pipeline ${owner.name}`);
  }
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
