#!/usr/bin/env node
// The admin script as an installed command: `npx churnguard <command>`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
