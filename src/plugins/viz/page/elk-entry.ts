/**
 * ELK for a static export (`sluice viz build`), where no server lays the flowchart out: a
 * separate script, so that the live page, which asks the server, doesn't carry its 1.6 MB.
 */
import ELK from 'elkjs/lib/elk.bundled.js';

(window as unknown as { SluiceElk: unknown }).SluiceElk = ELK;
