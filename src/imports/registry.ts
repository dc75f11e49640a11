/** Every import kind by its CLI name (also `imports.kind`). */
import type { ImportKind, ImportKindName } from './kind.js';
import { IMPORT_KINDS } from './kind.js';
import { absencesKind } from './kinds/absences.js';
import { clientsKind } from './kinds/clients.js';
import { contactEventsKind } from './kinds/contact-events.js';
import { contactsKind } from './kinds/contacts.js';
import { deviationsKind } from './kinds/deviations.js';
import { employeesKind } from './kinds/employees.js';
import { hotlineKind, lkRequestsKind, trainingsKind, webinarsKind } from './kinds/events.js';
import { findingsKind } from './kinds/findings.js';
import { onlineUsageKind } from './kinds/online-usage.js';
import { paymentsKind } from './kinds/payments.js';

const KINDS: Record<ImportKindName, ImportKind> = {
  employees: employeesKind,
  absences: absencesKind,
  clients: clientsKind,
  contacts: contactsKind,
  'online-usage': onlineUsageKind,
  trainings: trainingsKind,
  webinars: webinarsKind,
  'lk-requests': lkRequestsKind,
  hotline: hotlineKind,
  'contact-events': contactEventsKind,
  payments: paymentsKind,
  findings: findingsKind,
  deviations: deviationsKind,
};

export function isImportKind(s: string): s is ImportKindName {
  return (IMPORT_KINDS as readonly string[]).includes(s);
}

export function getImportKind(kind: ImportKindName): ImportKind {
  return KINDS[kind];
}
