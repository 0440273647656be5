import pkg from '../../package.json' with { type: 'json' };

/**
 * The deployed version: package.json's `version`, inlined by esbuild at build time (the bundled
 * Lambda has no package.json to read at run time; tsx reads the file directly).
 */
export const VERSION: string = pkg.version;
