/**
 * The shapes of a mailing's stored content: its links (`links`) and compiled variants
 * (`mailings.variants`). Here, below both the mailer (src/mail/) and the store (src/db/).
 */

/** The kind of the monthly decision-maker e-mail (`mailings.kind`, content and the job's name). */
export const LPR_KIND = 'lpr-monthly';

/** A link of the mailing, stored in `links` (UNIQUE(mailing_id, url)). */
export interface MailingLink {
  position: number;
  url: string;
  title: string;
  kind: 'top_question' | 'document' | 'review' | 'magazine' | 'bulletin' | 'webinars' | 'news_hook' | 'honeypot';
}

/** One compiled variant, as stored in `mailings.variants`. */
export interface CompiledVariant {
  subject: string;
  html: string;
  text: string;
  /** Link positions the variant uses (each needs a `link.<position>` value). */
  links: number[];
}
