import { ensureTemplate } from './helpers/db.js';

export default async function setup(): Promise<void> {
  await ensureTemplate();
}
