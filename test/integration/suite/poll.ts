// The integration suite waits longer by default: VS Code starts extensions and language servers.
import { waitFor as waitForCondition } from '../../support/waitFor';

export function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  return waitForCondition(what, probe, timeoutMs);
}
