/**
 * Runs the sluice CLI in a child process under tsx (the project's TypeScript loads directly):
 * `node --import tsx test/runner/distributed/cli-child.ts worker --queue q`. Exits with its code.
 */
import { main } from '../../../src/cli/main.ts';

process.exit(await main(process.argv.slice(2)));
