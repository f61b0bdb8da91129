// Which write routes of the API the web app calls, found by reading its sources (used by `api-only.test.ts`).
// A call counts when its path is known from the source text and its method is known:
// - `api.POST('/api/x/{id}', …)` (the typed client; the path may be a template over a literal-typed variable,
//   e.g. `` api.PATCH(`${path}/{id}`) `` with `path: '/api/a' | '/api/b'`);
// - `fetch('/api/x', { method: 'POST' })` and `` fetch(`/api/x/${id}`, …) `` (an expression stands for a path parameter);
// - either branch of `c ? '/api/a' : '/api/b'`;
// - a wrapper that passes one of its parameters on as the URL (`uploadForm(url, form)` → `fetch(url, {method:'POST'})`,
//   `download(url, init)` → `fetch(url, {...init})` takes the method from the caller's `init`; the typed client's
//   `postForm(path: P, form)` → `api.POST(path as never, …)`), to any depth.
// A call inside a named export that nothing else refers to does not count: no screen reaches it.
import ts from 'typescript';

export type WriteCall = { method: string; path: string; file: string; line: number };
export type SpecRoutes = Record<string, string>; // 'POST /api/x/{}' (normalised) → 'POST /api/x/{id}'

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS = new Set(['GET', 'HEAD', 'OPTIONS', ...WRITE]);

/** `/api/x/{id}?a=1` and `/api/x/${…}` both become `/api/x/{}`. */
export const normalisePath = (p: string) => p.split('?')[0].replace(/\{[^}]*\}/g, '{}');

/** The write operations of an OpenAPI document, keyed by normalised `METHOD path`. */
export function writeRoutes(spec: { paths: Record<string, Record<string, unknown>> }): SpecRoutes {
  const out: SpecRoutes = {};
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const m of Object.keys(ops)) {
      const method = m.toUpperCase();
      if (WRITE.has(method)) out[`${method} ${normalisePath(path)}`] = `${method} ${path}`;
    }
  }
  return out;
}

type Fn = ts.FunctionLikeDeclaration;
/** What an expression is as a URL or method: known strings, or a parameter of the enclosing function. */
type Value = { strings: string[] } | { param: number; fn: Fn } | null;
type Wrapper = { url: number; method: string | { init: number } };

const fnName = (fn: Fn): string | undefined => {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
};

/** The string literals a type stands for: `'a' | 'b'`, or an alias of that in the same file. */
function literalTypes(type: ts.TypeNode | undefined, sf: ts.SourceFile): string[] | null {
  if (!type) return null;
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (ts.isUnionTypeNode(type)) {
    const parts = type.types.map((t) => literalTypes(t, sf));
    return parts.every((p) => p) ? (parts.flat() as string[]) : null;
  }
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    const name = type.typeName.text;
    const alias = sf.statements.find(
      (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name,
    );
    return alias ? literalTypes(alias.type, sf) : null;
  }
  return null;
}

function resolveIdentifier(id: ts.Identifier, sf: ts.SourceFile): Value {
  const name = id.text;
  for (let p: ts.Node | undefined = id.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p) && 'body' in p) {
      const fn = p as Fn;
      for (const [i, param] of fn.parameters.entries()) {
        if (ts.isIdentifier(param.name) && param.name.text === name) {
          const lits = literalTypes(param.type, sf);
          return lits ? { strings: lits } : { param: i, fn };
        }
        if (ts.isObjectBindingPattern(param.name)) {
          const el = param.name.elements.find(
            (e) => ts.isIdentifier(e.name) && e.name.text === name && !e.dotDotDotToken,
          );
          if (!el) continue;
          const key = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : name;
          const member =
            param.type && ts.isTypeLiteralNode(param.type)
              ? param.type.members.find(
                  (m): m is ts.PropertySignature =>
                    ts.isPropertySignature(m) && ts.isIdentifier(m.name) && m.name.text === key,
                )
              : undefined;
          const lits = literalTypes(member?.type, sf);
          return lits ? { strings: lits } : null;
        }
      }
    }
    if (ts.isBlock(p) || ts.isSourceFile(p)) {
      for (const s of p.statements) {
        if (!ts.isVariableStatement(s) || !(s.declarationList.flags & ts.NodeFlags.Const)) continue;
        for (const d of s.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) {
            const lits = literalTypes(d.type, sf);
            return lits ? { strings: lits } : resolve(d.initializer, sf);
          }
        }
      }
    }
  }
  return null;
}

function resolve(e: ts.Expression | undefined, sf: ts.SourceFile): Value {
  if (!e) return null;
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e))
    return resolve(e.expression, sf);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { strings: [e.text] };
  if (ts.isConditionalExpression(e)) {
    // `done ? '/api/x/{id}/complete' : '/api/x/{id}/cancel'`: both, when both are known.
    const [y, n] = [resolve(e.whenTrue, sf), resolve(e.whenFalse, sf)];
    return y && n && 'strings' in y && 'strings' in n ? { strings: [...y.strings, ...n.strings] } : null;
  }
  if (ts.isIdentifier(e)) return resolveIdentifier(e, sf);
  if (ts.isTemplateExpression(e)) {
    let acc = [e.head.text];
    for (const span of e.templateSpans) {
      const v = resolve(span.expression, sf);
      // A literal-valued piece is substituted; any other expression is a path parameter's value.
      const pieces = v && 'strings' in v ? v.strings : ['{}'];
      acc = acc.flatMap((a) => pieces.map((p) => a + p + span.literal.text));
    }
    return { strings: acc };
  }
  return null;
}

/** The method an `init` object (`{ method: 'POST', … }`, `{ ...init }`) gives; `GET` when it names none. */
function methodOfInit(e: ts.Expression | undefined, sf: ts.SourceFile): Value {
  if (!e || (ts.isIdentifier(e) && e.text === 'undefined')) return { strings: ['GET'] };
  if (ts.isIdentifier(e)) {
    const v = resolveIdentifier(e, sf);
    return v && 'param' in v ? v : null;
  }
  if (!ts.isObjectLiteralExpression(e)) return null;
  let found: Value = { strings: ['GET'] };
  for (const p of e.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'method') {
      const v = resolve(p.initializer, sf);
      found = v && 'strings' in v ? { strings: v.strings.map((s) => s.toUpperCase()) } : null;
    } else if (ts.isSpreadAssignment(p)) {
      const v = methodOfInit(p.expression, sf);
      if (v && 'param' in v) found = v;
    }
  }
  return found;
}

type Parsed = { file: string; sf: ts.SourceFile };

/** Every write call of the given sources (`file → text`) whose path and method are known. */
export function findWriteCalls(files: Record<string, string>): WriteCall[] {
  const parsed: Parsed[] = Object.entries(files).map(([file, text]) => ({
    file,
    sf: ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    ),
  }));
  const calls: { file: string; sf: ts.SourceFile; node: ts.CallExpression }[] = [];
  const refs = new Map<string, Set<ts.Identifier>>(); // identifier text → every occurrence
  for (const { file, sf } of parsed) {
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n)) calls.push({ file, sf, node: n });
      if (ts.isIdentifier(n)) {
        const s = refs.get(n.text) ?? new Set();
        s.add(n);
        refs.set(n.text, s);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }

  const wrappers = new Map<string, Wrapper>();
  const sites: { call: WriteCall; node: ts.Node }[] = [];
  // Wrappers of wrappers are found on later rounds; stop when a round finds no new wrapper.
  for (let round = 0, grew = true; grew && round < 10; round++) {
    grew = false;
    sites.length = 0;
    for (const { file, sf, node } of calls) {
      const callee = node.expression;
      let url: Value = null;
      let method: Value = null;
      if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'api' &&
        METHODS.has(callee.name.text)
      ) {
        url = resolve(node.arguments[0], sf);
        method = { strings: [callee.name.text] };
      } else if (ts.isIdentifier(callee) && callee.text === 'fetch') {
        url = resolve(node.arguments[0], sf);
        method = methodOfInit(node.arguments[1], sf);
      } else if (ts.isIdentifier(callee) && wrappers.has(callee.text)) {
        const w = wrappers.get(callee.text) as Wrapper;
        url = resolve(node.arguments[w.url], sf);
        method =
          typeof w.method === 'string'
            ? { strings: [w.method] }
            : methodOfInit(node.arguments[w.method.init], sf);
      } else continue;
      if (!url || !method) continue;
      if ('param' in url) {
        const name = fnName(url.fn);
        const m: Wrapper['method'] | null =
          'strings' in method
            ? method.strings.length === 1
              ? method.strings[0]
              : null
            : method.fn === url.fn
              ? { init: method.param }
              : null;
        if (name && m && !wrappers.has(name)) {
          wrappers.set(name, { url: url.param, method: m });
          grew = true;
        }
        continue;
      }
      if (!('strings' in method)) continue;
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      for (const m of method.strings)
        for (const p of url.strings)
          if (WRITE.has(m)) sites.push({ call: { method: m, path: p, file, line }, node });
    }
  }

  // A call inside a named export nobody refers to reaches no screen.
  const used = (node: ts.Node): boolean => {
    let top: ts.Node = node;
    while (top.parent && !ts.isSourceFile(top.parent)) top = top.parent;
    const mods = ts.canHaveModifiers(top) ? (ts.getModifiers(top) ?? []) : [];
    const exported = mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (!exported || isDefault) return true;
    const names: string[] = [];
    if (ts.isFunctionDeclaration(top) && top.name) names.push(top.name.text);
    if (ts.isVariableStatement(top))
      for (const d of top.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    if (ts.isClassDeclaration(top) && top.name) names.push(top.name.text);
    return names.some((n) =>
      [...(refs.get(n) ?? [])].some(
        (id) => !(id.pos >= top.pos && id.end <= top.end && id.getSourceFile() === top.getSourceFile()),
      ),
    );
  };
  return sites.filter((s) => used(s.node)).map((s) => s.call);
}

export type Verdict = {
  /** Each spec write route (as the spec spells it) → where the web app calls it. */
  reached: Record<string, string[]>;
  /** Calls whose method and path match no write route of the spec. */
  stray: WriteCall[];
  /** What makes the test fail, one sentence each. */
  problems: string[];
};

/** Judges the spec's write routes against the calls found and the two lists kept in the web app. */
export function judge(
  routes: SpecRoutes,
  calls: WriteCall[],
  apiOnly: Record<string, string>,
  noScreenYet: Record<string, string>,
): Verdict {
  const reached: Record<string, string[]> = {};
  const stray: WriteCall[] = [];
  for (const c of calls) {
    const key = routes[`${c.method} ${normalisePath(c.path)}`];
    if (!key) stray.push(c);
    else reached[key] = [...(reached[key] ?? []), `${c.file}:${c.line}`];
  }
  const all = new Set(Object.values(routes));
  const problems: string[] = [];
  for (const r of all) {
    const inA = r in apiOnly;
    const inN = r in noScreenYet;
    if (inA && inN) problems.push(`${r} is in both API_ONLY and NO_SCREEN_YET`);
    else if (reached[r] && inA) problems.push(`${r} is marked API-only but ${reached[r][0]} calls it`);
    else if (reached[r] && inN)
      problems.push(`${r} now has a screen (${reached[r][0]}): remove it from NO_SCREEN_YET`);
    else if (!reached[r] && !inA && !inN)
      problems.push(`${r} is reached from no screen: call it from one, or mark it API-only with a reason`);
  }
  for (const [list, name] of [
    [apiOnly, 'API_ONLY'],
    [noScreenYet, 'NO_SCREEN_YET'],
  ] as const) {
    for (const [r, reason] of Object.entries(list)) {
      if (!all.has(r)) problems.push(`${name} names ${r}, which is no write route of the API`);
      if (!reason.trim()) problems.push(`${name} gives no reason for ${r}`);
    }
  }
  for (const c of stray)
    problems.push(`${c.file}:${c.line} calls ${c.method} ${c.path}, which the API does not have`);
  return { reached, stray, problems };
}
