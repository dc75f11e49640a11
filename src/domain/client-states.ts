/**
 * Client states (Состояние) as the CRM exports them. A client in liquidation or
 * reorganisation is *leaving*: it keeps its worsening signal to field support but gets no
 * competitor-diagnostics task, no monthly e-mail and no risk-review or other automatic task,
 * and reports show it in its own group (SQL: the `working_clients` view, migration 0110).
 */
export const LEAVING_STATES: ReadonlySet<string> = new Set(['liquidation', 'reorganization']);

export const LEAVING_TITLE = 'Клиенты в ликвидации или реорганизации';

export function isLeaving(state: string | null | undefined): boolean {
  return state !== null && state !== undefined && LEAVING_STATES.has(state);
}
