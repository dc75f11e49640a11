/**
 * Stage 2 of the monthly contact: the remote specialist's call a few working days after the
 * e-mail, with the seed's feedback questions, what was sent, what the person clicked (human
 * clicks only), and what they asked to prepare last time. A bounced e-mail gets a "verify the
 * address" task instead. Pure: the job gathers the data, this writes the task.
 */
import { quoted } from './ru.js';

/** The seed's questions of the call («Звонок специалиста»). */
export const CALL_QUESTIONS = [
  'Получили письмо?',
  'Ссылки активны?',
  'Информация актуальна?',
  'Какие вопросы интересуют?',
  'Что подготовить к следующему звонку?',
] as const;

export const CALL_GOAL =
  'Обратная связь по письму: получил ли ЛПР письмо, работают ли ссылки, актуальна ли информация, какие вопросы интересуют и что подготовить к следующему звонку';

export interface SentLink {
  title: string;
  url: string;
}

export interface Click {
  title: string;
  url: string;
  at: Date;
}

/** The message and the person a task is about. */
export interface TaskSubject {
  messageId: number;
  contactName: string;
  position: string | null;
  phone: string | null;
  clientNumber: number;
  clientName: string;
  /** The e-mail's subject. */
  subject: string;
}

export interface CallTaskInput extends TaskSubject {
  sentAt: Date;
  links: SentLink[];
  humanClicks: Click[];
  /** Clicks click-check has not classified yet: not counted as the person's. */
  unclassifiedClicks: number;
  botClicks: number;
  previousNextPrep: string | null;
}

export interface BounceTaskInput extends TaskSubject {
  email: string;
  smtpResponse: string | null;
  bouncedAt: Date;
}

export interface TaskText {
  kind: 'lpr-call' | 'lpr-verify-email';
  title: string;
  priority: number;
  payload: Record<string, unknown>;
}

/** Formats an instant for the task text (dd.mm.yyyy hh:mm in the RIC's zone). */
export type TimeFormat = (at: Date) => string;

function who(i: TaskSubject): string {
  return `${i.contactName}${i.position ? `, ${i.position}` : ''} — ${i.clientNumber} - ${i.clientName}${i.phone ? `, тел. ${i.phone}` : ''}`;
}

export function callTask(i: CallTaskInput, fmt: TimeFormat): TaskText {
  const lines = [
    `Цель контакта: ${CALL_GOAL}.`,
    `Контактное лицо: ${who(i)}`,
    `Письмо ${quoted(i.subject)} отправлено ${fmt(i.sentAt)}.`,
    '',
    'Вопросы:',
    ...CALL_QUESTIONS.map((q, n) => `${n + 1}. ${q}`),
    '',
    'Ссылки в письме:',
    ...(i.links.length ? i.links.map((l) => `- ${l.title}: ${l.url}`) : ['- (нет)']),
    '',
    i.humanClicks.length ? 'Переходы по ссылкам:' : 'Переходов по ссылкам нет.',
    ...i.humanClicks.map((c) => `- ${fmt(c.at)} ${c.title}`),
  ];
  if (i.unclassifiedClicks) lines.push(`Ещё переходов, не проверенных на роботов: ${i.unclassifiedClicks} (не учтены).`);
  if (i.botClicks) lines.push(`Переходы почтовых роботов и сканеров не учтены: ${i.botClicks}.`);
  lines.push('', `В прошлый раз просили подготовить: ${i.previousNextPrep ?? '(нет ответа)'}`);
  return {
    kind: 'lpr-call',
    title: `Звонок ЛПР ${i.contactName}: обратная связь по письму ${quoted(i.subject)}`,
    priority: 2,
    payload: {
      messageId: i.messageId,
      goal: CALL_GOAL,
      questions: [...CALL_QUESTIONS],
      subject: i.subject,
      sentAt: i.sentAt.toISOString(),
      links: i.links,
      humanClicks: i.humanClicks.map((c) => ({ title: c.title, url: c.url, at: c.at.toISOString() })),
      unclassifiedClicks: i.unclassifiedClicks,
      botClicks: i.botClicks,
      previousNextPrep: i.previousNextPrep,
      text: lines.join('\n'),
    },
  };
}

export function verifyAddressTask(i: BounceTaskInput, fmt: TimeFormat): TaskText {
  const lines = [
    `Цель контакта: уточнить адрес e-mail. Письмо ${quoted(i.subject)} на ${i.email} не доставлено ${fmt(i.bouncedAt)}.`,
    `Ответ почтового сервера: ${i.smtpResponse ?? '(нет)'}`,
    `Контактное лицо: ${who(i)}`,
    'Позвонить, уточнить действующий адрес и исправить его в КИС; адрес заблокирован для рассылок до исправления.',
  ];
  return {
    kind: 'lpr-verify-email',
    title: `Уточнить e-mail ЛПР ${i.contactName}: письмо не доставлено`,
    priority: 1,
    payload: {
      messageId: i.messageId,
      goal: 'Уточнить адрес e-mail',
      subject: i.subject,
      email: i.email,
      smtpResponse: i.smtpResponse,
      bouncedAt: i.bouncedAt.toISOString(),
      text: lines.join('\n'),
    },
  };
}

export interface UnsentTaskInput extends TaskSubject {
  email: string;
  /** Why the message could not be sent, e.g. «сервер не принимает адреса на кириллице (SMTPUTF8)». */
  reason: string;
  failedAt: Date;
}

/**
 * A message that could not be sent (the address is right, the way is not: a Cyrillic address
 * and a server without SMTPUTF8): the call still takes place, and the specialist learns why
 * the person has no letter.
 */
export function unsentTask(i: UnsentTaskInput, fmt: TimeFormat): TaskText {
  const lines = [
    `Цель контакта: ${CALL_GOAL}.`,
    `Письмо ${quoted(i.subject)} на ${i.email} не отправлено ${fmt(i.failedAt)}: ${i.reason}.`,
    `Контактное лицо: ${who(i)}`,
    'Позвонить, рассказать о материалах месяца и спросить, есть ли другой адрес e-mail (латиницей) для рассылок.',
  ];
  return {
    kind: 'lpr-call',
    title: `Звонок ЛПР ${i.contactName}: письмо не отправлено — ${i.reason}`,
    priority: 1,
    payload: {
      messageId: i.messageId,
      goal: CALL_GOAL,
      subject: i.subject,
      email: i.email,
      reason: i.reason,
      failedAt: i.failedAt.toISOString(),
      text: lines.join('\n'),
    },
  };
}
