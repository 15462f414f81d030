// CDK app entry: `npm run synth`, or `cdk synth --app "npx tsx infra/app.ts"`. Needs no AWS
// account: the stack is environment-agnostic, so synth looks nothing up in the cloud.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { LetsflowStack, REPO_ROOT } from './letsflowStack.js';

// The cdk CLI sets CDK_OUTDIR; run on its own we write to temp/cdk.out.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? resolve(REPO_ROOT, 'temp/cdk.out') });
const stack = new LetsflowStack(app, 'LetsflowStack', {
  // Opt-in, for offline synth checks before dist/lambda is built; a deploy must not pass it.
  allowPlaceholderCode: process.argv.includes('--allow-placeholder-code'),
  ...(process.env.LETSFLOW_CACHE_BUCKET ? { cacheBucketName: process.env.LETSFLOW_CACHE_BUCKET } : {}),
  ...(process.env.LETSFLOW_ALARM_TOPIC_ARN ? { alarmTopicArn: process.env.LETSFLOW_ALARM_TOPIC_ARN } : {}),
});
const assembly = app.synth();
const artifact = assembly.getStackArtifact(stack.artifactId);
// Without the cdk CLI nobody prints annotations (e.g. the placeholder-code warning): do it here.
for (const message of artifact.messages) console.error(`${message.level}: ${message.id}: ${String(message.entry.data)}`);
const template = join(assembly.directory, artifact.templateFile);
if (!existsSync(template)) throw new Error(`synth wrote no template at ${template}`);
console.log(`synthesized ${template}`);
