export { main, HELP } from './main.js';
export type { CliIo } from './internal/io.js';
