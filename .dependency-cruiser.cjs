/**
 * Layering check for src/ (run with `npm run layers`).
 *
 * Why: letsflow is built in layers. The pure building blocks (record types,
 * windows, sketches) sit at the bottom; log formats, the AWS glue, sources,
 * operators and sinks stack on top of them; the engine puts those together;
 * the ready-made pipelines use the engine; the runtime (CLI, server, Lambda)
 * runs pipelines; and src/index.ts, the public barrel, re-exports from all of
 * them. A module may import modules in its own layer or any layer below it,
 * never one above. That keeps every lower layer usable and testable without
 * the ones above it, and keeps changes at the top from spreading downward.
 *
 * The order is written down once, in LAYERS below; every layer rule is
 * generated from it. To add a directory under src/, add it to LAYERS at the
 * right height (the "src-unlayered" rule fails until you do).
 *
 * Parser: TypeScript 7 (the native compiler) has no JavaScript compiler API,
 * so dependency-cruiser cannot use it; it parses .ts with @swc/core instead.
 * swc sees `import type` too, so type-only imports count as dependencies.
 * `./foo.js` specifiers (TS ESM style) resolve to `./foo.ts` out of the box.
 */
"use strict";

// Without a TypeScript-capable parser dependency-cruiser skips .ts files
// silently and reports "no violations" on zero modules; fail loudly instead.
try {
	require.resolve("@swc/core");
} catch {
	throw new Error(
		".dependency-cruiser.cjs: @swc/core is not installed; run `npm ci` (dependency-cruiser needs it to parse .ts)",
	);
}

/** Bottom to top. A module in LAYERS[i] may import only LAYERS[0..i]. */
const LAYERS = [
	"src/core",
	"src/formats",
	"src/aws",
	"src/sources",
	"src/operators",
	"src/sinks",
	"src/engine",
	"src/pipelines",
	"src/runtime",
];
/** The public barrel: above every layer, so nothing in src/ may import it. */
const TOP = "src/index.ts";

/** Top-level folders that src/ must never import from. */
const OUTSIDE_SRC = ["test", "bench", "examples", "scripts", "infra"];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const dirPath = (layer) => `^${escape(layer)}/`;
const TOP_PATH = `^${escape(TOP)}$`;

const MESSAGE_SUFFIX = "(layers import only downward)";

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const layerRules = LAYERS.flatMap((from, i) =>
	[...LAYERS.slice(i + 1), TOP].map((to) => ({
		// The name is the message: the 'err' reporter prints names, not comments.
		name: `${from} must not import ${to} ${MESSAGE_SUFFIX}`,
		severity: "error",
		comment: `${from} must not import ${to} ${MESSAGE_SUFFIX}`,
		from: { path: dirPath(from) },
		to: { path: to === TOP ? TOP_PATH : dirPath(to) },
	})),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		...layerRules,
		{
			name: "src-unlayered",
			severity: "error",
			comment: `every module under src/ must belong to a layer in LAYERS (.dependency-cruiser.cjs) or be ${TOP}`,
			from: { path: "^src/" },
			to: {
				path: "^src/",
				pathNot: [...LAYERS.map(dirPath), TOP_PATH],
			},
		},
		{
			name: "src-unlayered",
			severity: "error",
			comment: `every module under src/ must belong to a layer in LAYERS (.dependency-cruiser.cjs) or be ${TOP}`,
			from: {
				path: "^src/",
				pathNot: [...LAYERS.map(dirPath), TOP_PATH],
			},
			to: { path: "^src/" },
		},
		{
			name: "no-circular",
			severity: "error",
			comment: "circular dependency: modules in src/ must not import each other in a cycle",
			from: { path: "^src/" },
			to: { circular: true },
		},
		{
			name: "src-not-to-outside",
			severity: "error",
			comment: `src/ must not import from ${OUTSIDE_SRC.map((d) => `${d}/`).join(", ")}`,
			from: { path: "^src/" },
			to: { path: `^(${OUTSIDE_SRC.map(escape).join("|")})/` },
		},
		{
			name: "src-unresolvable",
			severity: "error",
			comment:
				"import could not be resolved, so the layer rules cannot check it (tsc should also complain)",
			from: { path: "^src/" },
			to: { couldNotResolve: true },
		},
	],
	options: {
		parser: "swc",
		// Only the tsc parser reads this; swc always keeps type-only imports.
		// Stated so that type-only imports keep counting if the parser changes.
		tsPreCompilationDeps: true,
		doNotFollow: { path: "node_modules" },
		moduleSystems: ["es6", "cjs"],
	},
};
