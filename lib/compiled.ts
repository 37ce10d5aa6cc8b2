/** Set to true by scripts/build.ts (esbuild's define) in the compiled package; undefined when the sources run through tsx. */
declare const __CAIRN_COMPILED__: boolean | undefined;

/** True in the compiled build (dist/, the npm package, the image); false when the TypeScript sources run (a checkout, the tests). */
export const RUNNING_COMPILED: boolean = typeof __CAIRN_COMPILED__ !== 'undefined';
