import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { headingAnchors, headingSlug, markdownLinks } from './support/markdown-links.ts';

// The README is the front door and docs/ the manual: the README stays short, and every link in
// either stays inside the repository and leads to a file (and heading) that exists.

const root = path.resolve('.');
const readmeMaxLines = 200;

/** Placeholder hosts a link may name: this machine, and the names reserved for examples. */
function isPlaceholderHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '127.0.0.1' ||
    host === '[::1]' ||
    host === 'example.com' ||
    host.endsWith('.example.com') ||
    host.endsWith('.example') ||
    host.endsWith('.test')
  );
}

function pages(): string[] {
  const docs = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join('docs', name));
  return ['README.md', ...docs.sort()];
}

/** What is wrong with one link of `page`, or null when it is fine. */
function linkProblem(page: string, target: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    const host = new URL(target).hostname;
    return isPlaceholderHost(host) ? null : 'points outside the repository';
  }
  if (scheme !== undefined) return `uses the ${scheme}: scheme`;
  const [rawPath = '', anchor] = target.split('#', 2);
  const filePart = decodeURIComponent(rawPath.split('?')[0]!);
  const resolved =
    filePart === ''
      ? path.join(root, page)
      : filePart.startsWith('/')
        ? path.join(root, filePart)
        : path.resolve(root, path.dirname(page), filePart);
  const relative = path.relative(root, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return 'escapes the repository';
  if (!fs.existsSync(resolved)) return `leads to ${relative}, which does not exist`;
  if (anchor !== undefined && resolved.endsWith('.md')) {
    const anchors = headingAnchors(fs.readFileSync(resolved, 'utf8'));
    if (!anchors.has(anchor)) return `names #${anchor}, no heading of ${relative}`;
  }
  return null;
}

test(`README.md has at most ${readmeMaxLines} lines`, () => {
  const lines = fs.readFileSync(path.join(root, 'README.md'), 'utf8').replace(/\n$/, '').split('\n');
  assert.ok(lines.length <= readmeMaxLines, `README.md has ${lines.length} lines`);
});

test('every link in README.md and docs/*.md stays in the repository and leads somewhere', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const page of pages()) {
    for (const link of markdownLinks(fs.readFileSync(path.join(root, page), 'utf8'))) {
      checked++;
      const problem = linkProblem(page, link.target);
      if (problem) problems.push(`${page}:${link.line} ${link.target} ${problem}`);
    }
  }
  assert.ok(checked >= 40, `only ${checked} links found: is the extractor broken?`);
  assert.deepEqual(problems, []);
});

test('the README shows the dashboard screenshot and links to the manual', () => {
  const targets = markdownLinks(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).map((l) => l.target);
  assert.ok(targets.includes('docs/images/dashboard.png'));
  assert.ok(targets.includes('docs/index.md'));
  assert.ok(fs.statSync(path.join(root, 'docs/images/dashboard.png')).size < 300_000);
});

test('markdownLinks finds links in prose and skips code', () => {
  const page = [
    '# Title',
    'See [the API](docs/api.md#keys) and ![shot](images/a.png "A").',
    'Plain https://elsewhere.org/page, and <https://auto.example.net/x>.',
    'Code `[not](a-link.md)` and `https://in-code.org` are skipped.',
    '<a href="../up.md">up</a> <img src="pic.png">',
    '[ref]: https://ref.org/x "Title"',
    '```sh',
    'curl https://api.zenovay.com/e/X [x](fenced.md)',
    '```',
    '[after](after.md)',
  ].join('\n');
  assert.deepEqual(markdownLinks(page), [
    { target: 'docs/api.md#keys', line: 2 },
    { target: 'images/a.png', line: 2 },
    { target: 'https://elsewhere.org/page', line: 3 },
    { target: 'https://auto.example.net/x', line: 3 },
    { target: '../up.md', line: 5 },
    { target: 'pic.png', line: 5 },
    { target: 'https://ref.org/x', line: 6 },
    { target: 'after.md', line: 10 },
  ]);
});

test('headingAnchors follows GitHub: code text kept, punctuation dropped, repeats numbered', () => {
  assert.equal(
    headingSlug('Batch ingest for backends: `POST /api/v1/events`'),
    'batch-ingest-for-backends-post-apiv1events',
  );
  assert.equal(
    headingSlug('Client IP, rate limits and geolocation'),
    'client-ip-rate-limits-and-geolocation',
  );
  const anchors = headingAnchors(
    '# Zenovay\n## Run it\n```\n# not a heading\n```\n## Run it\n### Scale-out: A vs B\n',
  );
  assert.deepEqual([...anchors], ['zenovay', 'run-it', 'run-it-1', 'scale-out-a-vs-b']);
});

test('links that leave the repository are caught', () => {
  assert.equal(linkProblem('docs/ingest.md', '../../etc/passwd'), 'escapes the repository');
  assert.equal(linkProblem('README.md', 'https://github.com/x/y'), 'points outside the repository');
  assert.equal(linkProblem('README.md', 'mailto:someone@example.com'), 'uses the mailto: scheme');
  assert.equal(linkProblem('README.md', 'http://localhost:8080/'), null);
  assert.equal(linkProblem('README.md', 'https://analytics.example.com/z.js'), null);
  assert.equal(linkProblem('docs/index.md', '../README.md'), null);
  assert.equal(
    linkProblem('docs/index.md', 'no-such-page.md'),
    'leads to docs/no-such-page.md, which does not exist',
  );
});
