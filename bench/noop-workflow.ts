/** The baseline of the session-start benchmark: a workflow that does nothing, so a start costs only Temporal. */
export async function noop(): Promise<void> {}
