// Every language front-end, created for the current settings. The Python and Go front-ends
// (tree-sitter, async to load their grammars) are added here with one line each.

import type { AnalysisSettings } from '../../../common/src/settings';
import { createGoFrontEnd } from './go/goFrontEnd';
import { createPythonFrontEnd } from './python/pythonFrontEnd';
import { TypeScriptFrontEnd } from './typescript/frontEnd';
import type { LanguageFrontEnd } from './types';

/**
 * The TypeScript front-end always loads; a tree-sitter front-end that fails to load (missing
 * WASM, ...) is reported through `onFailure` and left out rather than failing the analysis.
 */
export async function createFrontEnds(settings: AnalysisSettings, onFailure: (message: string) => void = () => undefined): Promise<LanguageFrontEnd[]> {
  const frontEnds: LanguageFrontEnd[] = [new TypeScriptFrontEnd({ wrapperFunctions: settings.wrapperFunctions })];
  const optional: [string, () => Promise<LanguageFrontEnd>][] = [
    ['Python', () => createPythonFrontEnd(settings)],
    ['Go', () => createGoFrontEnd(settings)],
  ];
  for (const [language, create] of optional) {
    try {
      frontEnds.push(await create());
    } catch (err) {
      onFailure(`${language} analysis is unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return frontEnds;
}
