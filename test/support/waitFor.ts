// Waits for a condition without sleeping a fixed time: polls until the probe returns a value
// (anything but undefined, null or false) or the deadline passes. A probe that throws is retried
// and its last error is reported on timeout. Shared by every suite (and the integration harness).
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
