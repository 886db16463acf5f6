import { basename, extname } from 'node:path';

/**
 * A branch name made safe for a file name: anything but letters, digits, `.`, `_` and `-`
 * becomes `-` (`feature/New plot` → `feature-New-plot`), and leading dots go, so a branch can
 * never climb out of a folder or hide a file.
 */
export function safeBranchName(branch: string): string {
  return (
    branch
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[.-]+/, '')
      .replace(/-+$/, '') || 'branch'
  );
}

/**
 * `<path>_<branch>` with the suffix before the extension: `data/x.csv` → `data/x_feat.csv`; a
 * folder (`data/parts`, a partitioned dataset) → `data/parts_feat`. A trailing slash is kept.
 */
export function branchPath(location: string, safeBranch: string): string {
  const slash = location.endsWith('/') ? '/' : '';
  const path = slash === '' ? location : location.slice(0, -1);
  const name = basename(path);
  const extension = name.startsWith('.') ? '' : extname(name);
  const stem = path.slice(0, path.length - extension.length);
  return `${stem}_${safeBranch}${extension}${slash}`;
}
