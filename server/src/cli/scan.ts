// Placeholder until the analyzer's scan lands.
export async function runScan(_args: string[]): Promise<number> {
  console.error('scan: not implemented yet');
  return 2;
}
