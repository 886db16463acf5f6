// Worker threads can't load TypeScript by themselves on Node 20, even under tsx: this JavaScript
// entry registers tsx's loader first, then imports the TypeScript worker. Compiled builds (dist/)
// start worker.js directly and never use this file.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
