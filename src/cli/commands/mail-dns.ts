/**
 * `mail dns`: the DNS records a RIC publishes for churnguard's mail — the DKIM key, SPF for the
 * envelope senders' domains, a DMARC policy — and what the RIC's relay must do, in Russian for
 * the RIC's administrator. Reads the configuration only.
 */
import { aligned, type MailDns, mailDns, type TxtRecord, zoneLine } from '../../mail/dns-records.js';
import { type Command, emit } from '../command.js';

function record(r: TxtRecord): string[] {
  return [`   имя:      ${r.name}`, '   тип:      TXT', `   значение: ${r.value}`, '   строка файла зоны:', `   ${zoneLine(r)}`];
}

function dkimPart(d: MailDns): string[] {
  if (!d.dkim) {
    return [
      '1. DKIM: не настроен, churnguard не подписывает письма.',
      '   Создайте ключ (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dkim.pem),',
      '   задайте DKIM_PRIVATE_KEY_FILE=dkim.pem и в CONFIG_FILE "smtp": { "dkim": { "domain": "…", "selector": "…" } },',
      '   затем запустите эту команду снова. Пока ключа нет, подпись DKIM домена',
      `   ${d.fromDomain} должен ставить ретранслятор.`,
    ];
  }
  const key = d.dkim.algorithm === 'rsa-sha256' ? `rsa-sha256, ключ RSA ${d.dkim.bits} бит` : 'ed25519-sha256, ключ Ed25519';
  const lines = [`1. DKIM: открытый ключ подписи писем (${key})`, ...record(d.dkim)];
  if (d.dkim.algorithm === 'ed25519-sha256') {
    lines.push(
      '   Часть почтовых служб проверяет только подписи RSA: с ключом Ed25519 пусть ретранслятор',
      '   добавляет и свою подпись RSA.',
    );
  }
  return lines;
}

function human(d: MailDns): string {
  const spfDomains = d.spf.map((r) => r.name).join(' и ');
  const lines = [
    `DNS-записи почты churnguard: домен отправителя ${d.fromDomain}, домен адресов возврата ${d.bounceDomain}`,
    '',
    ...dkimPart(d),
    '',
    `2. SPF: с каких адресов разрешено отправлять письма доменов ${spfDomains}`,
    ...d.spf.flatMap((r) => record(r)),
    d.relayHost
      ? `   ${d.relayHost} — ретранслятор из SMTP_URL; укажите адреса, с которых он отправляет почту в интернет,`
      : '   RELAY-HOST — имя ретранслятора (SMTP_URL не задан); укажите адреса, с которых он отправляет почту в интернет,',
    '   а для ретранслятора провайдера — его механизм include:. Запись SPF у домена одна: если она уже есть,',
    '   добавьте механизм в неё.',
    '',
    `3. DMARC: политика домена отправителя ${d.fromDomain}`,
    ...record(d.dmarc),
    '   Начните с p=none и несколько недель читайте отчёты (rua); когда все письма проходят DKIM и SPF,',
    '   перейдите на p=quarantine.',
    '',
    `Что должен делать ретранслятор РИЦ${d.relayHost ? ` (${d.relayHost})` : ''}:`,
    '   - передавать письма без изменений: не добавлять подписи и дисклеймеры, не перекодировать текст, не менять',
    '     заголовки From, To, Subject, Date, Message-ID, List-Unsubscribe и List-Unsubscribe-Post — иначе подпись',
    '     DKIM не пройдёт проверку;',
    '   - не удалять заголовок DKIM-Signature (свою подпись ретранслятор может добавить рядом);',
    `   - отправлять почту в интернет только с адресов из записей SPF и не менять адрес возврата bounce+…@${d.bounceDomain}:`,
    '     по нему возвращаются отчёты о недоставке;',
    `   - MX домена ${d.bounceDomain} должен вести на почтовый ящик возвратов (IMAP_URL).`,
    '',
  ];
  if (d.alignmentWarning && d.dkim) {
    lines.push(
      `Внимание: домен подписи DKIM ${d.dkim.domain} не совпадает с доменом отправителя ${d.fromDomain}: проверка DMARC`,
      `не пройдёт. Подписывайте доменом ${d.fromDomain} (smtp.dkim.domain) или отправляйте с адреса в домене ${d.dkim.domain} (smtp.from).`,
      '',
    );
  }
  return lines.join('\n');
}

export const mailDnsCommand: Command = {
  name: 'mail dns',
  summary: 'DNS-записи почты для публикации (ключ DKIM, SPF, DMARC) и что должен делать ретранслятор',
  usage: 'mail dns [--json]',
  async run(ctx) {
    const d = mailDns(ctx.config);
    emit(ctx, { ...d, aligned: d.dkim ? aligned(d.fromDomain, d.dkim.domain) : null }, () => human(d));
    return 0;
  },
};
