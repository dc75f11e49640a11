/** What the diary's routes (src/http/diary/routes.ts) share with the routes of other files. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DiaryUser } from '../../db/diary-auth.js';

export interface DiarySession {
  user: DiaryUser;
  /** The session token (the CSRF token of the forms derives from it). */
  token: string;
}

export interface DiaryKit {
  /** The live session of the request, or null. */
  sessionOf(req: FastifyRequest): Promise<DiarySession | null>;
  /** A POST's session and CSRF check (`body.csrf`, or the token given); null when the refusal has been sent. */
  postSession(
    req: FastifyRequest<{ Body: Record<string, string> | undefined }>,
    reply: FastifyReply,
    action: string,
    csrf?: unknown,
  ): Promise<DiarySession | null>;
  /** The sign-in page (a GET without a session). */
  showLogin(reply: FastifyReply, status: number, flash: null): FastifyReply;
  /** A short page saying why not, counted by `action`. */
  refuse(reply: FastifyReply, status: number, title: string, text: string, action: string): FastifyReply | Promise<FastifyReply>;
}
