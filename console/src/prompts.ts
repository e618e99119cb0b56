import { ElMessageBox } from 'element-plus';
import { i18n } from './i18n';

/** Asks why (every write is audited); undefined when the user cancels. */
export async function askReason(title: string, label?: string): Promise<string | undefined> {
  const t = i18n.global.t;
  try {
    const { value } = await ElMessageBox.prompt(label ?? t('app.reasonHint'), title, {
      confirmButtonText: t('app.confirm'),
      cancelButtonText: t('app.cancel'),
      inputPattern: /^[\s\S]{3,500}$/,
      inputErrorMessage: t('app.reasonHint'),
      customClass: 'reason-prompt',
    });
    return value.trim();
  } catch {
    return undefined;
  }
}
