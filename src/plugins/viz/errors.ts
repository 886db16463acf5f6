import { SluiceError } from '../../plugin-api/index.ts';

/** The page's bundle is not in the package: a checkout that was not built. */
export class VizAssetsMissingError extends SluiceError {
  constructor(path: string) {
    super(`The pipeline page's bundle is missing: ${path} does not exist.`, {
      hint: 'Run `npm run build` in the Sluice checkout (it bundles the page into dist/viz-page/).',
    });
  }
}

/** `sluice viz` could not listen where it was asked to. */
export class VizServerError extends SluiceError {}
