#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so a checkout works without a build step.
import { register } from 'tsx/esm/api';

// letsflow pins its Node and SDK versions; the SDK's notice about future Node releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../src/runtime/cli/bin.ts');
