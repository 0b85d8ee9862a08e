// Placeholder until serve lands.
export async function runServe(_args: string[]): Promise<number> {
  console.error('serve: not implemented yet');
  return 2;
}
