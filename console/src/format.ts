/** Display helpers: money is integer fen, energy integer Wh, times ISO 8601 strings (shown in the browser's zone). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
export function formatFen(fen: number | null | undefined): string {
  return fen === null || fen === undefined ? '—' : `¥${(fen / 100).toFixed(2)}`;
}
export function formatWh(wh: number | null | undefined): string {
  return wh === null || wh === undefined ? '—' : `${(wh / 1000).toFixed(2)} kWh`;
}
export function formatW(w: number | null | undefined): string {
  return w === null || w === undefined ? '—' : `${(w / 1000).toFixed(1)} kW`;
}

/** Element Plus tag colours by pile status. */
export function statusTagType(status: string): 'success' | 'primary' | 'info' | 'warning' | 'danger' {
  switch (status) {
    case 'idle':
    case 'available':
      return 'success';
    case 'charging':
      return 'primary';
    case 'reserved':
    case 'occupied':
      return 'warning';
    case 'fault':
    case 'faulted':
      return 'danger';
    default:
      return 'info';
  }
}
