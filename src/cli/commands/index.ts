/** Every admin-script command, in the order the usage text lists them. */
import type { Command } from '../command.js';
import { contentLoadCommand } from './content.js';
import { contentExportCommand, contentTemplateCommand } from './content-workbook.js';
import { employeeTokenCommand } from './employee-token.js';
import { explainCommand } from './explain.js';
import { exportCommand } from './export.js';
import { findingAddCommand } from './finding.js';
import { importCommand } from './import.js';
import { importsCommand } from './imports.js';
import { mailDnsCommand } from './mail-dns.js';
import { migrateCommand } from './migrate.js';
import { employeeCapacityCommand, planCommand } from './plan.js';
import { previewCommand } from './preview.js';
import { reportCommand } from './report.js';
import { retryCommand } from './retry.js';
import { runsCommand } from './runs.js';
import { seedDemoCommand } from './seed-demo.js';
import { signalAckCommand } from './signal-ack.js';
import { simulateCommand, simulateCompareCommand } from './simulate.js';
import { statusCommand } from './status.js';
import { taskDoneCommand, taskShowCommand } from './task.js';
import { taskAddCommand } from './task-add.js';
import { tasksCommand } from './tasks.js';
import { triggerCommand } from './trigger.js';

export const COMMANDS: readonly Command[] = [
  migrateCommand,
  triggerCommand,
  statusCommand,
  runsCommand,
  retryCommand,
  tasksCommand,
  taskShowCommand,
  taskDoneCommand,
  taskAddCommand,
  reportCommand,
  contentLoadCommand,
  contentTemplateCommand,
  contentExportCommand,
  previewCommand,
  importCommand,
  importsCommand,
  exportCommand,
  seedDemoCommand,
  simulateCommand,
  simulateCompareCommand,
  explainCommand,
  signalAckCommand,
  findingAddCommand,
  employeeTokenCommand,
  employeeCapacityCommand,
  planCommand,
  mailDnsCommand,
];
