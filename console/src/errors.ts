import { ElMessage } from 'element-plus';
import { ApiError } from './api';

/** Shows an API refusal as a toast; anything else as a generic failure. Returns the message for forms. */
export function showError(error: unknown): string {
  const message = error instanceof ApiError ? `${error.message}${error.field ? ` (${error.field})` : ''}` : error instanceof Error ? error.message : String(error);
  ElMessage.error({ message, grouping: true });
  return message;
}

/** Runs an action, showing its failure; resolves to undefined when it failed. */
export async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}
