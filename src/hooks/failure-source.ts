/** Which plugin's implementation of which hook threw `error`, when the hook manager recorded it. */
export function hookFailureSource(error: unknown): { pluginName: string; hookName: string } | undefined {
  void error;
  return undefined;
}
