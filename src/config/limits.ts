/**
 * Bounds on what a configuration file may make Sluice build. Configuration is read synchronously
 * at start-up, so a hostile or mistaken file ("billion laughs" aliases, self-multiplying
 * interpolations, thousands of nested brackets) must end in a clear error, not in minutes of work
 * and an out-of-memory crash. docs/configuration.md states the same figures.
 */
export const CONFIG_LIMITS = {
  /**
   * Values one file may gain by following YAML aliases (`*name`, `<<: *name`): each alias copies
   * the anchored value, so ten levels of ten aliases would make 10^10 values out of 300 bytes.
   * A catalog where 2,000 datasets each merge a 20-key template uses 40,000.
   */
  aliasExpansion: 100_000,
  /**
   * Values one configuration key (all of `parameters`, say) may gain through `${...}`
   * references to mappings and lists, beyond the values written in its files.
   */
  interpolationExpansion: 100_000,
  /** Characters of one string built by interpolation (`"${a}/${b}"`). */
  interpolatedTextLength: 1_000_000,
  /** Levels of nested mappings and lists in one file. */
  nestingDepth: 100,
  /** Characters of a source line shown in a syntax error, around the column at fault. */
  excerptWidth: 120,
} as const;
