/** The content's schema and types live in src/domain/content-schema.ts (src/db/ stores them); the content modules read them here. */
export * from '../domain/content-schema.js';
