/**
 * Lists exports that no other file uses, in the production code, the simulator, the test kit and the
 * scripts' helpers. Two kinds: exports used nowhere (delete them) and exports used only inside their own
 * file (drop the `export`). Every TypeScript file of the repository counts as a user, tests included.
 *
 * Usage: npx tsx scripts/dead-exports.ts   (exit code 1 when it lists anything; `npm run lint:dead`)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
/** The folders whose exports are checked. */
const CHECKED = ['src', 'simulator', 'test_kit', 'scripts/lib', 'reference'];
/** The folders whose files count as users. */
const USERS = [...CHECKED, 'scripts', 'unit_tests', 'integration_tests'];
/** Exports kept on purpose although nothing imports them: "path: name". */
const ALLOWED = new Set<string>([]);

function tsFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !p.includes(`${join(ROOT, 'node_modules')}`));
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.test.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!parsed) throw new Error(`cannot read ${file}`);
  return { ...parsed.options, noEmit: true };
}

const rootNames = [...new Set(USERS.flatMap(tsFiles))];
const program = ts.createProgram({ rootNames, options: compilerOptions() });
const checker = program.getTypeChecker();
const rel = (file: string) => relative(ROOT, file).split('\\').join('/');
const isChecked = (file: string) => CHECKED.some((dir) => rel(file).startsWith(`${dir}/`));

/** The symbol an identifier finally stands for, through import and re-export aliases. */
function target(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

const usedElsewhere = new Set<ts.Symbol>();
const usedAtAll = new Set<ts.Symbol>();

function noteUse(symbol: ts.Symbol | undefined, where: ts.SourceFile): void {
  if (!symbol) return;
  const real = target(symbol);
  usedAtAll.add(real);
  if (real.declarations?.some((d) => d.getSourceFile() !== where)) usedElsewhere.add(real);
}

for (const source of program.getSourceFiles()) {
  if (source.isDeclarationFile || !rootNames.includes(resolve(source.fileName))) continue;
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) noteIdentifier(node, source);
    // `const { a } = require('./x') as typeof import('./x')`: `a` names a property of the module.
    if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
      const name = node.propertyName ?? node.name;
      if (ts.isIdentifier(name)) noteUse(checker.getTypeAtLocation(node.parent).getProperty(name.text), source);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** An identifier uses what it names, unless it is the name a declaration introduces (an import is a use). */
function noteIdentifier(node: ts.Identifier, source: ts.SourceFile): void {
  const parent = node.parent;
  // `{ a }` in an object literal uses the variable `a`, not the property it declares.
  if (ts.isShorthandPropertyAssignment(parent))
    return noteUse(checker.getShorthandAssignmentValueSymbol(parent), source);
  const symbol = checker.getSymbolAtLocation(node);
  if (!symbol) return;
  const imported = ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isExportSpecifier(parent);
  if (!imported && symbol.declarations?.some((d) => ts.getNameOfDeclaration(d) === node)) return;
  noteUse(symbol, source);
}

const unused: string[] = [];
const localOnly: string[] = [];
for (const source of program.getSourceFiles()) {
  if (source.isDeclarationFile || !isChecked(source.fileName)) continue;
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) continue;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const real = target(exported);
    // A re-export is judged where it is declared.
    if (!real.declarations?.some((d) => d.getSourceFile() === source)) continue;
    const key = `${rel(source.fileName)}: ${exported.name}`;
    if (usedElsewhere.has(real) || ALLOWED.has(key)) continue;
    (usedAtAll.has(real) ? localOnly : unused).push(key);
  }
}

const print = (title: string, list: string[]) => {
  if (list.length === 0) return;
  console.log(`${title} (${list.length}):`);
  for (const line of list.sort()) console.log(`  ${line}`);
};
print('Exported but used nowhere: delete', unused);
print('Exported but used only in its own file: drop the export', localOnly);
const total = unused.length + localOnly.length;
console.log(total === 0 ? 'dead exports: none' : `dead exports: ${total}`);
process.exitCode = total === 0 ? 0 : 1;
