/**
 * The spaceflights example's own unit tests (node functions, the linear algebra), run as part of
 * the repository's suite too. They live in the example so that its `npm test` works on its own.
 */
import '../../examples/spaceflights/test/data_processing.test.ts';
import '../../examples/spaceflights/test/data_science.test.ts';
import '../../examples/spaceflights/test/linear-algebra.test.ts';
